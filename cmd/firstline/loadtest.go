package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"
)

// loadTexts are what the simulated customers write, in turn: questions the
// bot answers, and chatter it does not.
var loadTexts = []string{
	"забыл пароль от личного кабинета", "как оплатить интернет картой", "I forgot my password",
	"how do I pay my bill?", "не работает интернет", "какие у вас тарифы", "спасибо",
}

func cmdLoadtest(ctx context.Context, args []string, e env) error {
	fs := newFlagSet("loadtest", e)
	target := fs.String("url", "http://127.0.0.1:8080/", "the server's `URL`")
	customers := fs.Int("customers", 50, "customers writing at the same time")
	messages := fs.Int("messages", 20, "messages each customer sends, one after another")
	if err := fs.Parse(args); err != nil {
		return usageError{err}
	}
	if *customers < 1 || *messages < 1 {
		return usageError{fmt.Errorf("--customers and --messages must be at least 1")}
	}
	endpoint := strings.TrimSuffix(*target, "/") + "/api/v1/webchat/messages"
	client := &http.Client{Timeout: 30 * time.Second}
	run := time.Now().UnixNano() // sessions of this run only

	var mu sync.Mutex
	var latencies []time.Duration
	failures := 0
	var wg sync.WaitGroup
	start := time.Now()
	for c := range *customers {
		wg.Go(func() {
			for i := range *messages {
				if ctx.Err() != nil {
					return
				}
				body, _ := json.Marshal(map[string]string{
					"session":    fmt.Sprintf("load-%d-%d", run, c),
					"message_id": fmt.Sprint(i),
					"text":       loadTexts[(c+i)%len(loadTexts)],
				})
				t0 := time.Now()
				resp, err := client.Post(endpoint, "application/json", bytes.NewReader(body))
				took := time.Since(t0)
				ok := err == nil && resp.StatusCode == http.StatusOK
				if err == nil {
					resp.Body.Close()
				}
				mu.Lock()
				if ok {
					latencies = append(latencies, took)
				} else {
					failures++
				}
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	if len(latencies) == 0 {
		return fmt.Errorf("no message was acknowledged (%d failed)", failures)
	}
	slices.Sort(latencies)
	pct := func(p float64) time.Duration { return latencies[int(p*float64(len(latencies)-1))] }
	fmt.Fprintf(e.stdout, "%d messages from %d customers in %.1fs: %.0f messages/s, p50 %.1f ms, p99 %.1f ms, %d failed\n",
		len(latencies), *customers, elapsed.Seconds(), float64(len(latencies))/elapsed.Seconds(),
		float64(pct(0.50).Microseconds())/1000, float64(pct(0.99).Microseconds())/1000, failures)
	if failures > 0 {
		return fmt.Errorf("%d messages failed", failures)
	}
	return nil
}
