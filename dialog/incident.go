package dialog

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/firstline-support/firstline/intents"
)

// Incident is a known outage or planned works: while it is active,
// customers asking about one of its intents hear its text first, may ask
// to be told when it is over, and are not handed to a person unless they
// still want one. Planned works are incidents that start in the future.
type Incident struct {
	ID int64
	// Text is what customers are told, by language (intents.LangRU,
	// intents.LangEN); a language without one reads another's.
	Text map[string]string
	// Intents are the intents it concerns, e.g. no_internet.
	Intents []string
	// Areas, when any, are the addresses or districts it covers; see
	// MentionsArea. None covers everyone.
	Areas []string
	// StartsAt is when it begins: customers hear of it from then on.
	StartsAt time.Time
	// ExpectedEnd is when it is expected to be over; zero when unknown.
	ExpectedEnd time.Time
	// ClosedAt is when it was declared over; zero while open.
	ClosedAt time.Time
	// CloseText, by language, replaces the shared message incident_closed
	// sent when it closes, for customers of that language; the others get
	// incident_closed.
	CloseText map[string]string
	CreatedBy string // who opened it
	CreatedAt time.Time
	UpdatedAt time.Time
	// Version counts the saves, from 1: a form made from one version is
	// refused once another change was saved.
	Version int64
}

// Limits on an incident, so that what every customer's turn reads stays
// small.
const (
	MaxIncidentIntents = 50
	MaxIncidentAreas   = 50
	MaxAreaLength      = 100 // characters
)

// Active reports whether customers hear of the incident at now: it has
// started and is not closed.
func (i *Incident) Active(now time.Time) bool {
	return i.ClosedAt.IsZero() && !now.Before(i.StartsAt)
}

// Planned reports whether the incident is open and starts after now.
func (i *Incident) Planned(now time.Time) bool {
	return i.ClosedAt.IsZero() && now.Before(i.StartsAt)
}

// Covers reports whether the incident concerns intent.
func (i *Incident) Covers(intent string) bool {
	return intent != "" && slices.Contains(i.Intents, intent)
}

// TextFor returns the incident's text in lang, or else in another
// language.
func (i *Incident) TextFor(lang string) string {
	return textFor(i.Text, lang)
}

// noticeText is the incident's text in lang as a message quotes it: a
// sentence, so that the message's next one does not run on from it when
// the admin wrote no full stop.
func (i *Incident) noticeText(lang string) string {
	text := strings.TrimSpace(i.TextFor(lang))
	if text == "" {
		return ""
	}
	if r, _ := utf8.DecodeLastRuneInString(text); !strings.ContainsRune(".!?…)»\"", r) {
		text += "."
	}
	return text
}

// textFor picks a text by language, falling back to the others.
func textFor(byLang map[string]string, lang string) string {
	if s := byLang[lang]; s != "" {
		return s
	}
	for _, l := range intents.Languages {
		if s := byLang[l]; s != "" {
			return s
		}
	}
	return ""
}

// MentionsArea reports whether text names one of areas: it holds one of
// them, case-insensitively. The cost is bounded by the limits on areas
// and on a message's length.
func MentionsArea(text string, areas []string) bool {
	if text == "" {
		return false
	}
	lower := strings.ToLower(text)
	for _, a := range areas {
		if a = strings.ToLower(strings.TrimSpace(a)); a != "" && strings.Contains(lower, a) {
			return true
		}
	}
	return false
}

// Check tidies the incident's lists (blank and repeated entries are
// dropped) and refuses one customers could not be told of.
func (i *Incident) Check() error {
	i.Intents = tidyList(i.Intents)
	i.Areas = tidyList(i.Areas)
	texts := make(map[string]string)
	for l, s := range i.Text {
		if s = strings.TrimSpace(s); s != "" {
			texts[l] = s
		}
	}
	i.Text = texts
	closeTexts := make(map[string]string)
	for l, s := range i.CloseText {
		if s = strings.TrimSpace(s); s != "" {
			closeTexts[l] = s
		}
	}
	i.CloseText = closeTexts
	switch {
	case len(i.Intents) == 0:
		return Errorf(EINVALID, "an incident needs at least one intent")
	case len(i.Intents) > MaxIncidentIntents:
		return Errorf(EINVALID, "an incident may name at most %d intents", MaxIncidentIntents)
	case len(i.Areas) > MaxIncidentAreas:
		return Errorf(EINVALID, "an incident may name at most %d areas", MaxIncidentAreas)
	case len(i.Text) == 0:
		return Errorf(EINVALID, "an incident needs a text in at least one language")
	case i.StartsAt.IsZero():
		return Errorf(EINVALID, "an incident needs a start")
	case !i.ExpectedEnd.IsZero() && !i.ExpectedEnd.After(i.StartsAt):
		return Errorf(EINVALID, "an incident's expected end must be after its start")
	}
	for _, a := range i.Areas {
		if utf8.RuneCountInString(a) > MaxAreaLength {
			return Errorf(EINVALID, "area %.20q… is longer than %d characters", a, MaxAreaLength)
		}
	}
	for _, m := range []map[string]string{i.Text, i.CloseText} {
		for l, s := range m {
			if !slices.Contains(intents.Languages, l) {
				return Errorf(EINVALID, "unknown language %q", l)
			}
			if utf8.RuneCountInString(s) > MaxTextLength/2 {
				return Errorf(EINVALID, "an incident's text is longer than %d characters", MaxTextLength/2)
			}
		}
	}
	return i.CheckText()
}

// CheckText checks the incident's text fields (CheckText).
func (i *Incident) CheckText() error {
	var all []string
	for _, m := range []map[string]string{i.Text, i.CloseText} {
		for l, s := range m {
			all = append(all, l, s)
		}
	}
	return checkAll(append([]string{i.CreatedBy}, all...), append(slices.Clone(i.Intents), i.Areas...))
}

// tidyList trims the entries of list and drops blank and repeated ones.
func tidyList(list []string) []string {
	var out []string
	for _, s := range list {
		if s = strings.TrimSpace(s); s != "" && !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	return out
}

// MarshalTexts encodes texts by language for storage.
func MarshalTexts(m map[string]string) string {
	if len(m) == 0 {
		return "{}"
	}
	b, _ := json.Marshal(m) // a map of strings cannot fail to encode
	return string(b)
}

// UnmarshalTexts decodes texts written by MarshalTexts; empty text is
// none.
func UnmarshalTexts(s string) (map[string]string, error) {
	m := map[string]string{}
	if s == "" {
		return m, nil
	}
	if err := json.Unmarshal([]byte(s), &m); err != nil {
		return nil, err
	}
	return m, nil
}

// IncidentFilter selects incidents.
type IncidentFilter struct {
	Open  bool // only those not closed yet
	Limit int  // 0 for no limit
}

// IncidentNotice is a customer to be told that a closed incident is over.
type IncidentNotice struct {
	IncidentID     int64
	ConversationID int64
}

// IncidentInfo is what the panel shows of an incident besides the
// incident itself.
type IncidentInfo struct {
	Subscribers int // customers who asked to be told when it is over
	Notified    int // customers told so far that it is over
	Due         int // customers still to be told that it is over
}

// OpenIncident announces inc, opened by inc.CreatedBy: it is stored, and,
// when it has started, the open tickets on its intents are linked to it.
// It sets inc.ID, times and Version.
func (e *Engine) OpenIncident(ctx context.Context, inc *Incident) error {
	if inc.StartsAt.IsZero() {
		inc.StartsAt = e.Now()
	}
	inc.ClosedAt = time.Time{}
	if err := inc.Check(); err != nil {
		return err
	}
	err := e.store.Update(ctx, func(tx Tx) error {
		if err := tx.CreateIncident(ctx, inc); err != nil {
			return err
		}
		return e.linkIncident(ctx, tx, inc)
	})
	if err != nil {
		return fmt.Errorf("open incident: %w", err)
	}
	e.log.Info("incident opened", "incident", inc.ID, "intents", inc.Intents, "by", inc.CreatedBy)
	return nil
}

// linkIncident links the open tickets on inc's intents to it, once it
// has started.
func (e *Engine) linkIncident(ctx context.Context, tx Tx, inc *Incident) error {
	if !inc.Active(tx.Now()) {
		return nil
	}
	_, err := tx.LinkIncidentTickets(ctx, inc.ID, inc.Intents)
	return err
}

// UpdateIncident saves what new askers hear of an open incident: its
// texts, intents, areas, start and expected end. inc.Version must be the
// stored one (ECONFLICT otherwise); it is moved on.
func (e *Engine) UpdateIncident(ctx context.Context, inc *Incident) error {
	if err := inc.Check(); err != nil {
		return err
	}
	err := e.store.Update(ctx, func(tx Tx) error {
		old, err := tx.Incident(ctx, inc.ID)
		if err != nil {
			return err
		}
		if !old.ClosedAt.IsZero() {
			return Errorf(ECONFLICT, "incident %d is closed", inc.ID)
		}
		inc.ClosedAt, inc.CloseText, inc.CreatedBy = time.Time{}, old.CloseText, old.CreatedBy
		if err := tx.UpdateIncident(ctx, inc); err != nil {
			return err
		}
		return e.linkIncident(ctx, tx, inc)
	})
	if err != nil {
		return fmt.Errorf("update incident %d: %w", inc.ID, err)
	}
	return nil
}

// CloseIncident declares incident id over, with closeText (by language,
// may be empty) as what customers are told instead of incident_closed.
// version, when not 0, must be the stored one. Everyone who asked to be
// told, and the customer of every open ticket linked to it, is then
// told, each once: the first incidentBatch of them at once, so that the
// call takes bounded time however many there are, the others by
// IncidentNotices, which also finishes the job when this process stops
// before it is done. It returns the closed incident and how many
// customers it told. An engine without a knowledge base (a
// command-line tool's) tells none: the serving processes' IncidentNotices
// do.
func (e *Engine) CloseIncident(ctx context.Context, id, version int64, closeText map[string]string) (*Incident, int, error) {
	var inc *Incident
	err := e.store.Update(ctx, func(tx Tx) error {
		var err error
		if inc, err = tx.Incident(ctx, id); err != nil {
			return err
		}
		if !inc.ClosedAt.IsZero() {
			return Errorf(ECONFLICT, "incident %d is closed already", id)
		}
		if version != 0 {
			inc.Version = version
		}
		inc.ClosedAt = tx.Now()
		if len(closeText) > 0 {
			inc.CloseText = closeText
		}
		if err := inc.Check(); err != nil {
			return err
		}
		if err := tx.UpdateIncident(ctx, inc); err != nil {
			return err
		}
		_, err = tx.AddIncidentRecipients(ctx, id)
		return err
	})
	if err != nil {
		return nil, 0, fmt.Errorf("close incident %d: %w", id, err)
	}
	e.log.Info("incident closed", "incident", id)
	if e.kb == nil {
		return inc, 0, nil
	}
	n := NewIncidentNotices(e, 0, e.log)
	n.max = incidentBatch
	sent, err := n.Sweep(ctx)
	return inc, sent, err
}

// DefaultIncidentInterval is how often IncidentNotices looks for
// customers still to be told of a closed incident.
const DefaultIncidentInterval = 15 * time.Second

// IncidentNotices tells the customers of closed incidents that they are
// over. CloseIncident does it at once; this sweep finishes what a stopped
// process left. It is safe to run in several processes over one database
// and across restarts: each message is sent in the same transaction that
// claims its recipient (Tx.ClaimIncidentNotice), so exactly one of them
// sends it.
type IncidentNotices struct {
	engine   *Engine
	interval time.Duration
	log      *slog.Logger
	max      int // recipients a sweep tries at most; 0 for all
}

// NewIncidentNotices returns a sweep that looks every interval
// (DefaultIncidentInterval when zero).
func NewIncidentNotices(e *Engine, interval time.Duration, log *slog.Logger) *IncidentNotices {
	if interval <= 0 {
		interval = DefaultIncidentInterval
	}
	return &IncidentNotices{engine: e, interval: interval, log: log}
}

// Run sends what is due at once and then every interval, until ctx is
// done. Failures are logged and tried again at the next interval.
func (n *IncidentNotices) Run(ctx context.Context) {
	tick := time.NewTicker(n.interval)
	defer tick.Stop()
	for {
		if _, err := n.Sweep(ctx); err != nil && ctx.Err() == nil {
			n.log.Warn("incident notices failed", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}

// incidentBatch is how many recipients a sweep lists at a time.
const incidentBatch = 200

// Sweep tells every customer still to be told that their incident is
// over, each in a transaction of its own, and reports how many it told.
// A recipient whose message fails is logged and tried at the next sweep.
func (n *IncidentNotices) Sweep(ctx context.Context) (sent int, err error) {
	e := n.engine
	failed := map[IncidentNotice]bool{}
	tried := 0
	for {
		due, err := e.store.IncidentNoticesDue(ctx, incidentBatch+len(failed))
		if err != nil {
			return sent, fmt.Errorf("list incident notices due: %w", err)
		}
		progress := false
		for _, d := range due {
			if failed[d] {
				continue
			}
			if n.max > 0 && tried >= n.max {
				return sent, nil
			}
			tried++
			progress = true
			ok, err := e.incidentNotice(ctx, d)
			switch {
			case err != nil && ctx.Err() != nil:
				return sent, err
			case err != nil:
				failed[d] = true
				n.log.Warn("incident notice failed", "incident", d.IncidentID, "conversation", d.ConversationID, "err", err)
			case ok:
				sent++
			}
		}
		if !progress {
			return sent, nil
		}
	}
}

// incidentNoticeSender records what an incident notice sends; it is the
// actor of a message sent outside any turn or ticket action.
type incidentNoticeSender struct {
	ctx  context.Context
	tx   Tx
	conv *Conversation
	set  *intents.Set
}

func (s *incidentNoticeSender) record(a Activity) error {
	a.TicketID = s.conv.TicketID
	return recordActivity(s.ctx, s.tx, s.conv, a)
}

func (s *incidentNoticeSender) sayAs(Author, string) error { return nil }

// incidentNotice tells one customer that an incident is over, unless
// another process did already; it reports whether this call did. An
// erased conversation is claimed and told nothing.
func (e *Engine) incidentNotice(ctx context.Context, d IncidentNotice) (bool, error) {
	k, release := e.kb.Acquire()
	defer release()
	set := k.Set()
	sent := false
	var ev Event
	err := e.store.Update(ctx, func(tx Tx) error {
		sent = false
		conv, err := tx.Conversation(ctx, d.ConversationID)
		if err != nil {
			return err
		}
		// Held, so that the message takes its place among the
		// customer's own.
		if !conv.ErasedAt.IsZero() {
			_, err := tx.ClaimIncidentNotice(ctx, d.IncidentID, d.ConversationID)
			return err
		}
		if conv, err = tx.EnsureConversation(ctx, conv.Channel, conv.ChatID); err != nil {
			return err
		}
		inc, err := tx.Incident(ctx, d.IncidentID)
		if err != nil {
			return err
		}
		ok, err := tx.ClaimIncidentNotice(ctx, d.IncidentID, d.ConversationID)
		if err != nil || !ok {
			return err
		}
		lang := conv.Lang
		if lang == "" {
			lang = e.cfg.DefaultLanguage
		}
		text := inc.CloseText[lang]
		if text == "" {
			v := intents.Vars{"name": conv.CustomerName, "first_name": firstName(conv.CustomerName), "text": inc.noticeText(lang)}
			text = set.Messages.Render(intents.MsgIncidentClosed, lang, v)
		}
		m := &Message{TicketID: conv.TicketID, Author: AuthorSystem, Text: text}
		by := &incidentNoticeSender{ctx: ctx, tx: tx, conv: conv, set: set}
		if err := e.addOutbound(ctx, tx, conv, m, by); err != nil {
			return err
		}
		ev = Event{Kind: EventMessage, ConversationID: conv.ID}
		if conv.TicketID != 0 {
			if t, err := tx.Ticket(ctx, conv.TicketID); err == nil {
				ev.TicketID, ev.TicketNumber, ev.Queue = t.ID, t.Number, t.Queue
			}
		}
		sent = true
		return nil
	})
	if err != nil {
		return false, fmt.Errorf("tell conversation %d incident %d is over: %w", d.ConversationID, d.IncidentID, err)
	}
	if sent {
		e.publish([]Event{ev})
	}
	return sent, nil
}

// Location is the time zone customers are told the times of incidents
// in, and forms take them in: the default queue's working hours' zone,
// else Config.Location, else the server's.
func (e *Engine) Location() *time.Location {
	return e.zone(e.calendar(e.cfg.DefaultQueue))
}

// ActiveIncidents lists the incidents customers hear of now, newest
// first.
func (e *Engine) ActiveIncidents(ctx context.Context) ([]*Incident, error) {
	all, err := e.store.Incidents(ctx, IncidentFilter{Open: true})
	if err != nil {
		return nil, err
	}
	now := e.Now()
	var out []*Incident
	for _, i := range all {
		if i.Active(now) {
			out = append(out, i)
		}
	}
	return out, nil
}
