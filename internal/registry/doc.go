// Package registry is the shared registry (基础台账): industrial chains
// (产业链) and enterprises (企业名录) that key projects, tours, investment
// attraction and work safety refer to.
package registry
