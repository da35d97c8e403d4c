package telegramtest

import (
	"net/http"
	"strconv"
)

// Failure is how the server fails a call instead of serving it. The zero
// Failure serves the call as usual.
type Failure struct {
	// Status is the HTTP status and the Bot API error_code, e.g. 500.
	Status      int
	Description string
	// RetryAfter is the retry_after parameter of a 429, in seconds.
	RetryAfter int
	// Drop closes the connection without an answer.
	Drop bool
}

// ServerError is a 500 from the Bot API.
func ServerError() Failure {
	return Failure{Status: http.StatusInternalServerError, Description: "Internal Server Error"}
}

// TooManyRequests is a 429 asking to wait retryAfter seconds.
func TooManyRequests(retryAfter int) Failure {
	return Failure{Status: http.StatusTooManyRequests, RetryAfter: retryAfter,
		Description: "Too Many Requests: retry after " + strconv.Itoa(retryAfter)}
}

// Forbidden is the 403 Telegram answers when the customer blocked the bot.
func Forbidden() Failure {
	return Failure{Status: http.StatusForbidden, Description: "Forbidden: bot was blocked by the user"}
}

// BadRequest is a 400 with the given description.
func BadRequest(description string) Failure {
	return Failure{Status: http.StatusBadRequest, Description: "Bad Request: " + description}
}

// DropConnection closes the connection without an answer.
func DropConnection() Failure {
	return Failure{Drop: true}
}

// take counts a call of method and returns the failure it must end with,
// if one is queued for it.
func (s *Server) take(method string) (Failure, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls[method]++
	s.notify()
	queue := s.failures[method]
	if len(queue) == 0 {
		return Failure{}, false
	}
	s.failures[method] = queue[1:]
	f := queue[0]
	return f, f.Drop || f.Status != 0 // the zero Failure serves the call
}

// fail answers a call with f.
func fail(w http.ResponseWriter, f Failure) {
	if f.Drop {
		drop(w)
		return
	}
	writeError(w, f.Status, f.Description, f.RetryAfter)
}

// drop closes the connection under w without answering.
func drop(w http.ResponseWriter) {
	hj, ok := w.(http.Hijacker)
	if !ok {
		panic("telegramtest: the connection cannot be taken over") // httptest's HTTP/1.1 server always can
	}
	conn, _, err := hj.Hijack()
	if err != nil {
		panic("telegramtest: take over connection: " + err.Error())
	}
	conn.Close()
}
