// Package clientaddr names the client a per-address limit counts.
package clientaddr

import "net/netip"

// Key is the address a client is counted by: its IP address, or for IPv6
// its /64 network, which one subscriber usually has whole (counting each
// /128 would let a client rotate addresses past any limit). Text that is
// not an IP address is returned as it is.
func Key(ip string) string {
	addr, err := netip.ParseAddr(ip)
	if err != nil {
		return ip
	}
	addr = addr.Unmap()
	if addr.Is4() {
		return addr.String()
	}
	p, err := addr.Prefix(64)
	if err != nil {
		return addr.String()
	}
	return p.String()
}
