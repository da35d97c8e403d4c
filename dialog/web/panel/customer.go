package panel

import "github.com/firstline-support/firstline/dialog"

// unnamedCustomer is how the panel names the customer of a ticket who
// gave no name and no contact details: by their channel and their
// conversation's number, so that two such tickets read apart
// ("Web visitor · #12").
func unnamedCustomer(lang string, t *dialog.Ticket) string {
	key := "ticket.unnamed"
	if _, ok := translations[lang]["ticket.unnamed."+t.Channel]; ok {
		key += "." + t.Channel
	}
	return tr(lang, key, t.ConversationID)
}
