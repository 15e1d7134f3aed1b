package calendar

import "time"

// ExpireCheck makes the next Refresh compare versions at once, as it does
// 30 seconds after the last comparison.
func (c *Calendar) ExpireCheck() {
	c.mu.Lock()
	c.checked = time.Time{}
	c.mu.Unlock()
}
