package dialog

import "github.com/firstline-support/firstline/intents"

// defaultQueueNames name the default queues for customers when the config
// names them not.
var defaultQueueNames = map[string]map[string]string{
	"first_line":  {intents.LangRU: "первая линия поддержки", intents.LangEN: "the first line of support"},
	"second_line": {intents.LangRU: "вторая линия поддержки", intents.LangEN: "the second line of support"},
	"third_line":  {intents.LangRU: "третья линия поддержки", intents.LangEN: "the third line of support"},
}

// queueName is the name of queue a customer reads in lang: the config's
// name in lang, then in the other language, then the built-in name of a
// default queue, then the id itself.
func (e *Engine) queueName(queue, lang string) string {
	for _, names := range []map[string]map[string]string{e.cfg.QueueNames, defaultQueueNames} {
		byLang := names[queue]
		if s := byLang[lang]; s != "" {
			return s
		}
		for _, l := range intents.Languages {
			if s := byLang[l]; s != "" {
				return s
			}
		}
	}
	return queue
}
