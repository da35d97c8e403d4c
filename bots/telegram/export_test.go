package telegram

import "time"

// SetMinBackoff shortens the first wait after a failure, so that tests of
// repeated failures run quickly.
func SetMinBackoff(c *Channel, d time.Duration) { c.minBackoff = d }
