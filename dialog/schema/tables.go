package schema

// Kind is how a column's values are typed, the same in every store.
type Kind string

// Column kinds.
const (
	KindInt      Kind = "int"      // an integer
	KindNullInt  Kind = "nullint"  // an integer or NULL (an id of "none")
	KindReal     Kind = "real"     // a floating-point number
	KindBool     Kind = "bool"     // true or false (0 or 1 in SQLite)
	KindText     Kind = "text"     // a string
	KindTime     Kind = "time"     // a time, to the microsecond
	KindNullTime Kind = "nulltime" // a time or NULL
	KindBlob     Kind = "blob"     // bytes
	KindList     Kind = "list"     // a list of strings, kept as JSON array text
)

// Column is one column of a table.
type Column struct {
	Name string
	Kind Kind
	// Deferred columns refer to a table that comes later in Tables
	// (conversations.ticket_id → tickets): an import writes them as NULL
	// and sets them once every row is in.
	Deferred bool
}

// Table is one of firstline's tables.
type Table struct {
	Name    string
	Columns []Column
	// Identity is set when the table's "id" column is drawn from a
	// sequence (AUTOINCREMENT, GENERATED ALWAYS AS IDENTITY).
	Identity bool
	// OrderBy is the primary key, the order rows are exported in.
	OrderBy string
}

// Tables lists firstline's tables with the columns both stores have, in
// an order in which every row's references come before it (apart from
// Deferred columns). Left out: schema_migrations, which each store keeps
// for itself, and the whatsmeow_* tables of the WhatsApp session, which
// does not move: a WhatsApp account is paired again after a move.
func Tables() []Table {
	return []Table{
		{Name: "users", Identity: true, OrderBy: "id", Columns: []Column{
			{Name: "id", Kind: KindInt},
			{Name: "name", Kind: KindText},
			{Name: "role", Kind: KindText},
			{Name: "password_hash", Kind: KindText},
			{Name: "disabled", Kind: KindBool},
			{Name: "lang", Kind: KindText},
			{Name: "queues", Kind: KindList},
			{Name: "last_seen_at", Kind: KindNullTime},
			{Name: "last_assigned_at", Kind: KindNullTime},
			{Name: "created_at", Kind: KindTime},
		}},
		{Name: "sessions", OrderBy: "token_hash", Columns: []Column{
			{Name: "token_hash", Kind: KindText},
			{Name: "user_id", Kind: KindInt},
			{Name: "created_at", Kind: KindTime},
			{Name: "expires_at", Kind: KindTime},
		}},
		{Name: "api_tokens", OrderBy: "token_hash", Columns: []Column{
			{Name: "token_hash", Kind: KindText},
			{Name: "user_id", Kind: KindInt},
			{Name: "created_at", Kind: KindTime},
		}},
		{Name: "conversations", Identity: true, OrderBy: "id", Columns: []Column{
			{Name: "id", Kind: KindInt},
			{Name: "channel", Kind: KindText},
			{Name: "chat_id", Kind: KindText},
			{Name: "customer_name", Kind: KindText},
			{Name: "lang", Kind: KindText},
			{Name: "state", Kind: KindText},
			{Name: "ticket_id", Kind: KindNullInt, Deferred: true},
			{Name: "pending", Kind: KindText},
			{Name: "pending_options", Kind: KindList},
			{Name: "created_at", Kind: KindTime},
			{Name: "updated_at", Kind: KindTime},
		}},
		{Name: "tickets", Identity: true, OrderBy: "id", Columns: []Column{
			{Name: "id", Kind: KindInt},
			{Name: "number", Kind: KindText},
			{Name: "conversation_id", Kind: KindInt},
			{Name: "status", Kind: KindText},
			{Name: "reason", Kind: KindText},
			{Name: "intent", Kind: KindText},
			{Name: "candidates", Kind: KindList},
			{Name: "priority", Kind: KindText},
			{Name: "queue", Kind: KindText},
			{Name: "channel", Kind: KindText},
			{Name: "customer_name", Kind: KindText},
			{Name: "customer_name_lower", Kind: KindText},
			{Name: "assignee", Kind: KindText},
			{Name: "csat", Kind: KindInt},
			{Name: "reopens", Kind: KindInt},
			{Name: "first_response_due", Kind: KindNullTime},
			{Name: "resolution_due", Kind: KindNullTime},
			{Name: "first_response_at", Kind: KindNullTime},
			{Name: "created_at", Kind: KindTime},
			{Name: "updated_at", Kind: KindTime},
			{Name: "closed_at", Kind: KindNullTime},
		}},
		{Name: "messages", Identity: true, OrderBy: "id", Columns: []Column{
			{Name: "id", Kind: KindInt},
			{Name: "conversation_id", Kind: KindInt},
			{Name: "ticket_id", Kind: KindNullInt},
			{Name: "author", Kind: KindText},
			{Name: "author_name", Kind: KindText},
			{Name: "external_id", Kind: KindText},
			// A reply comes after what it answers, so in id order the
			// message it refers to is already in.
			{Name: "reply_to", Kind: KindNullInt},
			{Name: "text", Kind: KindText},
			{Name: "buttons", Kind: KindList},
			{Name: "lang", Kind: KindText},
			{Name: "intent", Kind: KindText},
			{Name: "confidence", Kind: KindReal},
			{Name: "created_at", Kind: KindTime},
		}},
		{Name: "attachments", Identity: true, OrderBy: "id", Columns: []Column{
			{Name: "id", Kind: KindInt},
			{Name: "message_id", Kind: KindInt},
			{Name: "kind", Kind: KindText},
			{Name: "file_name", Kind: KindText},
			{Name: "mime", Kind: KindText},
			{Name: "size", Kind: KindInt},
			{Name: "created_at", Kind: KindTime},
			{Name: "data", Kind: KindBlob},
		}},
		{Name: "inbox", OrderBy: "channel, external_id", Columns: []Column{
			{Name: "channel", Kind: KindText},
			{Name: "external_id", Kind: KindText},
			{Name: "received_at", Kind: KindTime},
			{Name: "processed_at", Kind: KindNullTime},
			{Name: "payload", Kind: KindBlob},
		}},
		{Name: "outbox", Identity: true, OrderBy: "id", Columns: []Column{
			{Name: "id", Kind: KindInt},
			{Name: "message_id", Kind: KindInt},
			{Name: "conversation_id", Kind: KindInt},
			{Name: "channel", Kind: KindText},
			{Name: "chat_id", Kind: KindText},
			{Name: "text", Kind: KindText},
			{Name: "buttons", Kind: KindList},
			{Name: "status", Kind: KindText},
			{Name: "parts_sent", Kind: KindInt},
			{Name: "attempts", Kind: KindInt},
			{Name: "next_attempt_at", Kind: KindTime},
			{Name: "claimed_until", Kind: KindNullTime},
			{Name: "last_error", Kind: KindText},
			{Name: "created_at", Kind: KindTime},
			{Name: "sent_at", Kind: KindNullTime},
		}},
	}
}

// ColumnNames lists the table's column names in order.
func (t Table) ColumnNames() []string {
	names := make([]string, len(t.Columns))
	for i, c := range t.Columns {
		names[i] = c.Name
	}
	return names
}
