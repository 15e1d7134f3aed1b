package tasks

// WalkAbove sets the match count from which the ledger walks the sort's
// index on SQLite, and returns the function that restores it.
func WalkAbove(n int) func() {
	prev := walkAbove
	walkAbove = n
	return func() { walkAbove = prev }
}
