package panel

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/gin-gonic/gin"

	"github.com/firstline-support/firstline/dialog"
	"github.com/firstline-support/firstline/dialog/web/auth"
)

// Queue states, the tabs of the queue page.
const (
	stateWaiting = "waiting" // queued: nobody has it
	stateMine    = "mine"    // assigned to the viewer
	stateOpen    = "open"    // queued or assigned
	stateClosed  = "closed"
)

// How many tickets the queue page lists at most. Open tickets are the work
// at hand and few; closed ones pile up, and only the latest matter here.
const (
	maxOpenListed   = 500
	maxClosedListed = 100
	maxSearchLength = 100
)

// queueFilter is what the queue page shows, from its query.
type queueFilter struct {
	Queue string
	State string
	Q     string
}

// values encodes the filter for links, leaving out what is default.
func (f queueFilter) values() url.Values {
	v := url.Values{}
	if f.Queue != "" {
		v.Set("queue", f.Queue)
	}
	if f.State != stateOpen {
		v.Set("state", f.State)
	}
	if f.Q != "" {
		v.Set("q", f.Q)
	}
	return v
}

// url is an address with the filter's query.
func (f queueFilter) url(path string) string {
	if q := f.values().Encode(); q != "" {
		return path + "?" + q
	}
	return path
}

// queueTab is one state tab with its count.
type queueTab struct {
	Key     string // translation key
	URL     string
	Active  bool
	Count   int
	Counted bool // closed tickets are not counted
}

// queuePage is the data of the queue page and of its list fragment.
type queuePage struct {
	base
	Queues    []string
	Filter    queueFilter
	Tabs      []queueTab
	Tickets   []*dialog.Ticket
	Truncated int // the limit that cut the list short; 0 when it is whole
	ListURL   string
}

// parseQueueFilter reads the filter from the query; unknown values, and
// queues other than the viewer's, fall back to the defaults rather than
// failing the page.
func (p *Panel) parseQueueFilter(c *gin.Context, queues []string) queueFilter {
	f := queueFilter{Queue: c.Query("queue"), State: c.Query("state"), Q: strings.TrimSpace(c.Query("q"))}
	if !slices.Contains(queues, f.Queue) {
		f.Queue = ""
	}
	switch f.State {
	case stateWaiting, stateMine, stateOpen, stateClosed:
	default:
		f.State = stateOpen
	}
	if !utf8.ValidString(f.Q) || utf8.RuneCountInString(f.Q) > maxSearchLength {
		f.Q = ""
	}
	return f
}

// searchTerm is what the store searches for: a bare number finds the
// ticket with that number, so that "42" finds FL-000042.
func searchTerm(q string) string {
	if n, err := strconv.ParseInt(q, 10, 64); err == nil && n > 0 {
		return dialog.FormatTicketNumber(n)
	}
	return q
}

// loadQueue fills the page's tabs and tickets. The open states come from
// one read of the open tickets in queue order, which also gives the
// counts on the tabs.
func (p *Panel) loadQueue(c *gin.Context, data *queuePage) error {
	ctx := c.Request.Context()
	user := auth.CurrentUser(c)
	me := user.Name
	f := data.Filter
	filter := dialog.TicketFilter{Queue: f.Queue, Queues: user.VisibleQueues(), Search: searchTerm(f.Q)}

	open := filter
	open.Statuses = []dialog.TicketStatus{dialog.TicketQueued, dialog.TicketAssigned, dialog.TicketWaiting}
	open.Order = dialog.OrderQueue
	open.Limit = maxOpenListed
	tickets, err := p.store.Tickets(ctx, open)
	if err != nil {
		return fmt.Errorf("list open tickets: %w", err)
	}
	lists := map[string][]*dialog.Ticket{stateOpen: tickets}
	for _, t := range tickets {
		if t.Status == dialog.TicketQueued {
			lists[stateWaiting] = append(lists[stateWaiting], t)
		} else if t.Assignee == me {
			lists[stateMine] = append(lists[stateMine], t)
		}
	}
	if f.State == stateClosed {
		closed := filter
		closed.Statuses = []dialog.TicketStatus{dialog.TicketClosed}
		closed.Order = dialog.OrderNewest
		closed.Limit = maxClosedListed
		if lists[stateClosed], err = p.store.Tickets(ctx, closed); err != nil {
			return fmt.Errorf("list closed tickets: %w", err)
		}
	}
	data.Tickets = lists[f.State]
	switch {
	case f.State == stateClosed && len(data.Tickets) == maxClosedListed:
		data.Truncated = maxClosedListed
	case f.State != stateClosed && len(tickets) == maxOpenListed:
		data.Truncated = maxOpenListed
	}

	for _, state := range []string{stateWaiting, stateMine, stateOpen, stateClosed} {
		tf := f
		tf.State = state
		data.Tabs = append(data.Tabs, queueTab{
			Key:     "state." + state,
			URL:     tf.url("/panel/queue"),
			Active:  state == f.State,
			Count:   len(lists[state]),
			Counted: state != stateClosed,
		})
	}
	return nil
}

func (p *Panel) newQueuePage(c *gin.Context) (*queuePage, error) {
	queues := p.visibleQueues(auth.CurrentUser(c))
	data := &queuePage{base: newBase(c, "queue"), Queues: queues, Filter: p.parseQueueFilter(c, queues)}
	data.Title = tr(data.Lang, "queue.title")
	data.ListURL = data.Filter.url("/panel/queue/list")
	if err := p.loadQueue(c, data); err != nil {
		return nil, err
	}
	return data, nil
}

func (p *Panel) queuePage(c *gin.Context) {
	data, err := p.newQueuePage(c)
	if err != nil {
		p.fail(c, err)
		return
	}
	p.render(c, http.StatusOK, p.pages.queue, "layout", data)
}

// queueList is the queue page's list alone, for the page's live refresh.
func (p *Panel) queueList(c *gin.Context) {
	data, err := p.newQueuePage(c)
	if err != nil {
		p.fail(c, err)
		return
	}
	p.render(c, http.StatusOK, p.pages.queue, "queue_list", data)
}
