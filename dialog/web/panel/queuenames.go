package panel

import "sync"

// QueueNames are the queues' names as people read them, by queue id and
// language: {"first_line": {"ru": "Первая линия", "en": "First line"}}.
// The ids stay what the config, the API and the filters use.
type QueueNames map[string]map[string]string

// queueNamer names queues for the pages. The templates hold it from the
// start; SetQueueNames fills it in.
type queueNamer struct {
	mu    sync.RWMutex
	names QueueNames
}

// SetQueueNames sets the queues' names the panel shows (tickets.queue_names
// of the config). A queue without a name in the page's language shows its
// name in the other language, then the panel's own name for the default
// queues, then its id.
func (p *Panel) SetQueueNames(names QueueNames) {
	p.queues.mu.Lock()
	defer p.queues.mu.Unlock()
	p.queues.names = names
}

// name is queue id's name in lang.
func (q *queueNamer) name(lang, id string) string {
	if id == "" {
		return ""
	}
	q.mu.RLock()
	byLang := q.names[id]
	q.mu.RUnlock()
	if s := byLang[lang]; s != "" {
		return s
	}
	for _, l := range []string{langRU, langEN} {
		if s := byLang[l]; s != "" {
			return s
		}
	}
	if s, ok := translations[lang]["queue_name."+id]; ok {
		return s
	}
	return id
}

// choice is a value as a form offers it: its id, and its name to read.
type choice struct {
	ID   string
	Name string
}

// options are queue ids as a form offers them, in the order given.
func (q *queueNamer) options(lang string, ids []string) []choice {
	out := make([]choice, len(ids))
	for i, id := range ids {
		out[i] = choice{ID: id, Name: q.name(lang, id)}
	}
	return out
}
