package panel

import (
	"fmt"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/firstline-support/firstline/dialog"
	"github.com/firstline-support/firstline/dialog/web/auth"
)

// Panel languages.
const (
	langEN = "en"
	langRU = "ru"
)

// translations hold every text of the panel, per language and key. Both
// languages have the same keys (a test checks it). Texts with %s or %d
// take arguments, as with fmt.Sprintf.
var translations = map[string]map[string]string{
	langEN: {
		"app.name":     "firstline",
		"app.subtitle": "Support agents' panel",

		"nav.queue":    "Queue",
		"nav.users":    "Users",
		"nav.webchat":  "Web chat",
		"nav.logout":   "Log out",
		"nav.lang":     "Panel language",
		"lang.ru":      "RU",
		"lang.en":      "EN",
		"lang.ru.long": "Русский",
		"lang.en.long": "English",

		"role.agent":   "agent",
		"role.admin":   "admin",
		"role.analyst": "analyst",

		"login.title":    "Sign in",
		"login.name":     "Name",
		"login.password": "Password",
		"login.submit":   "Sign in",
		"login.wrong":    "Wrong name or password.",
		"login.disabled": "This account is disabled. Ask an admin to enable it.",
		"login.empty":    "Enter your name and password.",

		"queue.title":            "Queue",
		"queue_name.first_line":  "First line",
		"queue_name.second_line": "Second line",
		"queue_name.third_line":  "Third line",
		"queue.all":              "All queues",
		"queue.search":           "Ticket number or customer name",
		"queue.search.go":        "Search",
		"queue.search.hint":      "Press / to search",
		"queue.empty":            "No tickets here.",
		"queue.truncated":        "Showing the first %d tickets; narrow the filters to see the rest.",
		"queue.live":             "Live",
		"queue.offline":          "Reconnecting…",

		"state.waiting": "Waiting",
		"state.mine":    "Mine",
		"state.open":    "Open",
		"state.closed":  "Closed",

		"col.number":   "Ticket",
		"col.customer": "Customer",
		"col.channel":  "Channel",
		"col.priority": "Priority",
		"col.queue":    "Queue",
		"col.status":   "Status",
		"col.assignee": "Assignee",
		"col.reason":   "Reason",
		"col.age":      "Age",
		"col.sla":      "SLA",

		"priority.urgent": "urgent",
		"priority.high":   "high",
		"priority.normal": "normal",
		"priority.low":    "low",

		"attachment.photo":    "photo",
		"attachment.document": "document",
		"attachment.voice":    "voice message",
		"status.queued":       "waiting",
		"status.assigned":     "in work",
		"status.closed":       "closed",

		"reason.no_match":     "no match",
		"reason.intent":       "topic",
		"reason.not_helpful":  "not helpful",
		"reason.customer_ask": "asked for a person",

		"why.no_match":     "The bot found no confident answer, even after asking the customer to rephrase.",
		"why.intent":       "This topic always goes to a person: %s.",
		"why.not_helpful":  "The customer said the bot's answer (%s) did not help.",
		"why.customer_ask": "The customer asked for a person.",
		"why.other":        "Escalated: %s.",

		"sla.overdue":        "overdue %s",
		"sla.first_response": "First response",
		"sla.resolution":     "Resolution",
		"sla.answered":       "answered",
		"sla.breached":       "SLA missed",
		"sla.none":           "no deadline",
		"sla.resolved":       "resolved",
		"sla.late":           "after the deadline",
		"sla.no_reply":       "closed without a reply",

		"unit.d": "d",
		"unit.h": "h",
		"unit.m": "m",
		"unit.s": "s",

		"ticket.title":            "Ticket %s",
		"ticket.customer":         "Customer",
		"ticket.channel":          "Channel",
		"ticket.queue":            "Queue",
		"ticket.assignee":         "Assignee",
		"ticket.nobody":           "nobody yet",
		"ticket.created":          "Created",
		"ticket.closed_at":        "Closed",
		"ticket.csat":             "Rating",
		"ticket.csat.value":       "%d of 5",
		"ticket.reopens":          "Reopened",
		"ticket.why":              "Why a person is needed",
		"ticket.fields":           "What the customer told the bot",
		"ticket.fields.empty":     "not given",
		"ticket.considered":       "What the bot thought it was",
		"ticket.considered.none":  "The bot had no guess.",
		"ticket.others":           "Other tickets of this customer",
		"ticket.transcript":       "Conversation",
		"ticket.changed":          "This ticket has changed since you opened it.",
		"ticket.reload":           "Reload",
		"ticket.assigned_other":   "%s is working on this ticket: you can add a note or transfer it.",
		"ticket.closed_hint":      "The ticket is closed: only internal notes can be added.",
		"ticket.unnamed":          "Customer · #%d",
		"ticket.unnamed.webchat":  "Web visitor · #%d",
		"ticket.unnamed.telegram": "Telegram user · #%d",
		"ticket.unnamed.whatsapp": "WhatsApp user · #%d",
		"ticket.email":            "E-mail",
		"ticket.phone":            "Phone",
		"ticket.erased":           "The customer's messages, files and contact details were erased on %s.",
		"ticket.erased_name":      "(erased)",

		"author.customer": "Customer",
		"author.bot":      "Bot",
		"author.agent":    "Agent",
		"author.system":   "System",
		"author.note":     "Internal note",
		"author.ticket":   "ticket %s",

		"action.take":              "Take",
		"action.reply":             "Send to customer",
		"action.note":              "Add internal note",
		"action.transfer":          "Transfer",
		"action.close":             "Close ticket",
		"action.close.confirm":     "Close this ticket? The customer will be asked to rate the help.",
		"action.erase":             "Erase customer data",
		"action.erase.confirm":     "Erase this customer's messages, files, name and chat id for good? Tickets and figures stay. This cannot be undone.",
		"action.erase.open":        "Close the customer's open ticket before erasing their data.",
		"action.erase.unconfirmed": "Erasing needs to be confirmed.",
		"action.transfer.to":       "To queue",
		"action.transfer.note":     "Why (optional)",
		"action.transfer.leaves":   "A ticket you transfer to a queue you do not work will no longer be visible to you.",
		"action.reply.label":       "Reply",
		"action.reply.hint":        "Type /shortcut then Tab for a canned reply. Ctrl+Enter sends.",
		"action.reply.placeholder": "Write to the customer…",
		"action.note.placeholder":  "Write an internal note…",
		"action.canned":            "Canned replies",

		"error.back":             "Back to the queue",
		"error.conflict":         "It cannot be done now",
		"error.invalid":          "Check what you entered",
		"error.not_found":        "Not found",
		"error.too_large":        "Too long",
		"error.forbidden":        "Not allowed",
		"error.unauthorized":     "Sign in first",
		"error.rate_limited":     "Too many attempts",
		"error.unavailable":      "Temporarily unavailable",
		"error.internal":         "Something went wrong",
		"error.internal.text":    "The server could not do this. Try again; if it keeps failing, tell an admin.",
		"error.no_ticket":        "There is no ticket %s.",
		"error.no_page":          "There is no such page in the panel.",
		"error.no_version":       "The form has no ticket version; reload the page and try again.",
		"error.form":             "The form could not be read.",
		"error.form_too_large":   "The form is too large.",
		"error.lang":             "The language must be ru or en.",
		"error.after":            "after must be a message id.",
		"error.self_disable":     "You cannot disable your own account.",
		"error.self_password":    "Your own password is not reset here: that would end your session. Use firstline user passwd.",
		"error.no_queue":         "There is no queue %q.",
		"error.unknown_shortcut": "There is no canned reply /%s, so nothing was sent. The shortcuts are: %s.",
		"error.no_shortcuts":     "There is no canned reply /%s (the knowledge base has none), so nothing was sent.",

		"webchat.title":           "Web chat on your site",
		"webchat.snippet":         "Put this line into your site's pages, just before </body>: a chat bubble shows in the corner and opens the chat, which follows the visitor from page to page.",
		"webchat.copy":            "Copy",
		"webchat.copied":          "Copied",
		"webchat.options":         "Options, as attributes of the tag: data-position=\"left\", data-color=\"#0f766e\", data-lang=\"en\" or \"ru\", data-title=\"…\", data-launcher=\"false\" (no bubble: open the chat from your own button).",
		"webchat.api":             "Your page's scripts may call:",
		"webchat.origins":         "Sites allowed to show the chat",
		"webchat.origins.any":     "Any site (\"*\").",
		"webchat.origins.none":    "None yet: the chat shows on this server's own page only. Put your site's address, e.g. https://shop.example, in webchat.allowed_origins.",
		"webchat.origins.change":  "The list is webchat.allowed_origins in configs/firstline.yaml; restart the server after a change. Other sites can neither show the chat nor call its API.",
		"webchat.page":            "Open the chat page",
		"whatsapp.title":          "WhatsApp",
		"whatsapp.off":            "WhatsApp is off: set whatsapp.enabled: true in configs/firstline.yaml and restart.",
		"whatsapp.state":          "State",
		"whatsapp.account":        "Account",
		"whatsapp.scan":           "On the phone: WhatsApp → Settings → Linked devices → Link a device, then scan this code. It changes every 20 seconds or so.",
		"whatsapp.type_code":      "On the phone: WhatsApp → Settings → Linked devices → Link a device → Link with phone number instead, then type this code:",
		"whatsapp.waiting":        "Connecting to WhatsApp…",
		"whatsapp.logout":         "Unlink the account",
		"whatsapp.logout.confirm": "Unlink this WhatsApp account? Customers writing to it will not reach the bot until it is linked again.",
		"whatsapp.pair_qr":        "Link with a QR code",
		"whatsapp.phone":          "Phone number",
		"whatsapp.pair_phone":     "Link with a phone code",
		"whatsapp.phone_invalid":  "Give the number in international form, e.g. +79991234567.",
		"whatsapp.pairing":        "A linking is already in progress.",
		"wa.not paired":           "not linked",
		"wa.connecting":           "connecting",
		"wa.connected":            "connected",
		"wa.logged out":           "logged out",
		"wa.disconnected":         "disconnected",
		"users.title":             "Users",
		"users.name":              "Name",
		"users.role":              "Role",
		"users.queues":            "Queues",
		"users.queues.all":        "all",
		"users.state":             "State",
		"users.active":            "active",
		"users.disabled":          "disabled",
		"users.last_seen":         "Last seen",
		"users.never":             "never",
		"users.you":               "you",
		"users.add":               "Add a user",
		"users.password":          "Password",
		"users.password.hint":     "At least 10 characters.",
		"users.create":            "Add user",
		"users.disable":           "Disable",
		"users.enable":            "Enable",
		"users.change":            "Change",
		"users.queues.hint":       "None ticked: every queue.",
		"users.queues.save":       "Save queues",
		"users.reset":             "Reset password",
		"users.reset.confirm":     "Reset the password of %s? Their sessions end at once and their API tokens are revoked; a new password is shown here once.",
		"users.reset.done":        "The new password of %s:",
		"users.reset.once":        "Give it to them now: it is shown only this once.",
		"users.disable.confirm":   "Disable %s? Their sessions end at once and their API tokens are revoked; enabling them again brings neither back.",

		"nav.analytics": "Analytics",

		"analytics.title":             "Analytics",
		"analytics.range":             "%s to %s: %d days, UTC",
		"analytics.from":              "From",
		"analytics.to":                "To (included)",
		"analytics.range.hint":        "Days are in UTC, both included: the range starts at the beginning of “From” and ends at the end of “To”. At most 366 days.",
		"analytics.lang":              "Language",
		"analytics.intent":            "Intent",
		"analytics.agent":             "Agent",
		"analytics.all":               "All",
		"analytics.apply":             "Show",
		"analytics.reset":             "Last 7 days",
		"analytics.no_events":         "No analytics events are recorded yet: the figures start when the first conversation after the upgrade does.",
		"analytics.outcomes":          "Contacts and their outcomes",
		"analytics.contacts":          "Contacts",
		"analytics.contacts.hint":     "matters customers brought, by their first message",
		"analytics.deflected":         "Deflected",
		"analytics.deflected.hint":    "handled by the bot alone: confirmed + assumed, of all contacts",
		"analytics.confirmed":         "confirmed",
		"analytics.confirmed.hint":    "the customer said an answer helped",
		"analytics.assumed":           "assumed",
		"analytics.assumed.hint":      "answered, and the customer did not come back within the reopen window",
		"analytics.escalated":         "Escalated",
		"analytics.escalated.hint":    "a ticket was created or reopened",
		"analytics.unanswered":        "Unanswered",
		"analytics.unanswered.hint":   "the bot sent no answer of an intent",
		"analytics.returned":          "Returned",
		"analytics.returned.hint":     "answered, and the customer came back within the reopen window",
		"analytics.pending":           "Pending",
		"analytics.pending.hint":      "too recent to tell",
		"analytics.pending.explained": "Pending: contacts still going on, and contacts the bot answered without a “helped” whose customer may still come back within the reopen window (%s). Each becomes deflected (assumed) or returned when that is known, so recent days' deflection grows for a while.",
		"analytics.answered_bot":      "Answered by the bot",
		"analytics.answered_bot.hint": "the bot sent an answer of an intent, whatever came after, of all contacts",
		"analytics.error.no_intent":   "There is no intent %q: choose one from the list.",
		"analytics.error.no_queue":    "There is no queue %q: choose one from the list.",
		"analytics.error.no_agent":    "There is no agent %q: choose one from the list.",
		"analytics.chart":             "Deflection by day",
		"analytics.chart.bars":        "contacts (the highest bar: %d)",
		"analytics.chart.day":         "%s: %d contacts",
		"analytics.chart.shares":      "; deflected %s (%s): confirmed %s, assumed %s",
		"analytics.reasons":           "Escalation by reason",
		"analytics.reasons.hint":      "Contacts escalated for each reason, of all contacts; the first escalation of a contact counts.",
		"analytics.share":             "Share",
		"analytics.count":             "Contacts",
		"analytics.clarified":         "Clarification success",
		"analytics.clarified.hint":    "“Did you mean…?” questions the customer answered by picking an option, of the questions asked.",
		"analytics.intents":           "Intents",
		"analytics.answered":          "Answered",
		"analytics.intent_contacts":   "Contacts",
		"analytics.helpful":           "Helpful",
		"analytics.escalated_after":   "Escalated after answer",
		"analytics.none_answered":     "The bot answered nothing in this range.",
		"analytics.agents":            "Agents",
		"analytics.queues":            "Queues",
		"analytics.tickets":           "Tickets",
		"analytics.closed":            "Closed",
		"analytics.median":            "median",
		"analytics.sla_missed":        "SLA missed",
		"analytics.sla.first":         "first response",
		"analytics.sla.resolution":    "resolution",
		"analytics.reopened":          "Reopened",
		"analytics.ratings":           "Ratings",
		"analytics.all_tickets":       "All tickets",
		"analytics.nobody":            "(nobody)",
		"analytics.about":             "Made %s; a contact ends after %s of silence; returns count within %s.",
		"analytics.working_time":      "First response and resolution times are working time: business hours of the queues the tickets were in.",
		"analytics.since":             "Analytics events are recorded since %s.",
		"analytics.error.from":        "The start date %q is not a date YYYY-MM-DD.",
		"analytics.error.to":          "The end date %q is not a date YYYY-MM-DD.",
		"analytics.error.range":       "The range is empty: the last day %s is before the first %s.",
		"analytics.error.long":        "The range has %d days; at most %d can be shown at once.",
		"analytics.error.filter":      "A filter value must be text of at most %d characters.",
		"analytics.error.sort":        "The intents table cannot be sorted by %q.",
		"analytics.error.dir":         "The sort order must be asc or desc, not %q.",
		"analytics.error.table":       "There is no table %q to export.",

		"nav.review": "Review",

		"review.title":              "What the bot could not answer",
		"review.hint":               "Customers' messages the bot did not answer confidently: asked to rephrase (whether or not the customer came back), escalated because nothing matched, asked to clarify, or whose answer did not help; grouped by what they are about. Messages already in the knowledge base as examples are left out. Days are in UTC.",
		"review.summary":            "Messages: %d, groups: %d; left out as already examples: %d.",
		"review.truncated":          "Only the first %d messages are shown; narrow the range to see the rest.",
		"review.empty":              "Nothing to review in these days.",
		"review.group.count":        "Messages: %d",
		"review.reason.escalated":   "escalated",
		"review.reason.rephrased":   "asked to rephrase",
		"review.reason.clarified":   "clarified",
		"review.reason.not_helpful": "not helpful",
		"review.suggested":          "The bot now thinks of:",
		"review.similar":            "Closest examples in the knowledge base:",
		"review.history.error":      "The log of changes could not be read; the server's log says why.",
		"review.all":                "All %d messages",
		"review.message":            "Message",
		"review.why":                "Why here",
		"review.now":                "What the bot does now",
		"review.when":               "When",
		"review.add":                "Add as example of",
		"review.add.go":             "Add…",
		"review.intent":             "Intent",
		"review.lang":               "Language",
		"review.decision.answer":    "answers",
		"review.decision.clarify":   "asks to clarify",
		"review.decision.none":      "does not know",
		"review.new":                "New intent from this group",
		"review.examples":           "Examples",
		"review.examples.hint":      "One example a line: the group's messages to start with. Remove the lines that are about something else, and add other ways customers ask the same.",
		"review.examples_in":        "Examples (%s)",
		"review.check":              "Check the new intent",
		"review.id":                 "Id",
		"review.id.hint":            "Lower-case letters, digits and _.",
		"review.title_in":           "Title (%s)",
		"review.answer_in":          "Answer (%s)",
		"review.file":               "File",
		"review.history":            "Changes made",
		"review.history.empty":      "No changes made from the panel or firstline learn yet.",
		"review.history.new":        "new",
		"review.history.reason":     "Saved over a warning: %s",
		"review.by":                 "By",
		"review.added":              "Examples added",
		"review.saved.intent":       "Saved: %s added the intent %s to %s with",
		"review.saved.example":      "Saved: %s added to the intent %s in %s the example",
		"review.edit.title":         "Check the change",
		"review.edit.intent":        "A new intent %s.",
		"review.edit.example":       "The message “%s” as an example of %s.",
		"review.back":               "Back to the review",
		"review.nothing_saved":      "Nothing was saved.",
		"review.diff":               "The change to the file",
		"review.guard":              "The check",
		"review.guard.ok":           "It may be saved.",
		"review.guard.blocked":      "Warning: it is not saved unless you give a reason.",
		"review.guard.tests":        "Tests it breaks: %d of %d.",
		"review.guard.intents":      "Of %d intents, %d recognise their examples a little worse, within the tolerance, and %d worse beyond it.",
		"review.guard.new":          "The new intent %s: %d%% of its %d examples recognised by the others (more examples help).",
		"review.guard.added":        "%s: the others recognise %d of its %d new examples; on the %d it had, %d%% before and %d%% after.",
		"review.guard.failed":       "Tests that fail with it",
		"review.guard.already":      "Tests that fail already (they do not block)",
		"review.guard.worse":        "Intents that would get worse",
		"review.expected":           "Expected",
		"review.got":                "Got",
		"review.where":              "Where",
		"review.before":             "Before",
		"review.after":              "After",
		"review.allowed":            "Allowed fall",
		"review.lost":               "Examples it would lose",
		"review.recheck":            "Check again",
		"review.save":               "Save",
		"review.save.anyway":        "Save with this reason",
		"review.override":           "Why save it anyway",
		"review.override.hint":      "Recorded with your name in the audit log, with what the check warned of.",
		"review.override.needed":    "The check warns against this change: give a reason to save it anyway. Nothing was saved.",
		"review.save.hint":          "Saving checks the change again and records it, with your name, in the audit log of the intents directory.",
		"review.error.kind":         "There is no kind of change %q.",
		"review.error.off":          "This server does not edit its knowledge base from the panel.",

		// The review page's "Knowledge base health" section (health.go).
		"health.title":        "Knowledge base health",
		"health.hint":         "Each example was left out of the knowledge base in turn and asked as a customer's question, at the thresholds in use: what the bot did with it is what to expect of questions about its intent worded unlike any example. Checked again whenever the knowledge base is reloaded.",
		"health.summary":      "%d examples, %d-fold cross-validation: %s answered right, %s answered wrong, %s offered among options, %s not answered.",
		"health.took":         "(%s s)",
		"health.flagged":      "Intents that need more or different examples: %d of %d.",
		"health.none":         "No intent needs more examples.",
		"health.error":        "The knowledge base could not be checked; the server's log says why.",
		"health.pending":      "The knowledge base is being checked: every example is matched by a matcher built without it, which takes a few seconds after each reload.",
		"health.reload":       "Reload the page",
		"health.in_ten":       "%d in 10",
		"health.examples":     "examples: %d",
		"health.answered":     "questions answered: %s",
		"health.confused":     "confused with %s: %s",
		"health.offered":      "offered among options: %s",
		"health.unanswered":   "not answered: %s",
		"health.todo.few":     "Fewer than %d examples: add 3–5 more ways a customer would ask this.",
		"health.todo.more":    "Add 3–5 more ways a customer would ask this.",
		"health.todo.missed":  "Add other ways to ask what these ask:",
		"health.todo.alike":   "Too alike to %s: make their examples differ, or merge the two.",
		"health.todo.lang":    "No examples in %s, which other intents have: add examples and an answer in %s.",
		"health.all":          "Every intent (%d)",
		"health.col.examples": "Examples",
		"health.col.right":    "Answered right",
		"health.col.wrong":    "Answered wrong",
		"health.col.offered":  "Among options",
		"health.col.none":     "Not answered",
	},
	langRU: {
		"app.name":     "firstline",
		"app.subtitle": "Панель специалистов поддержки",

		"nav.queue":    "Очередь",
		"nav.users":    "Пользователи",
		"nav.webchat":  "Веб-чат",
		"nav.logout":   "Выйти",
		"nav.lang":     "Язык панели",
		"lang.ru":      "RU",
		"lang.en":      "EN",
		"lang.ru.long": "Русский",
		"lang.en.long": "English",

		"role.agent":   "специалист",
		"role.admin":   "администратор",
		"role.analyst": "аналитик",

		"login.title":    "Вход",
		"login.name":     "Имя",
		"login.password": "Пароль",
		"login.submit":   "Войти",
		"login.wrong":    "Неверное имя или пароль.",
		"login.disabled": "Учётная запись отключена. Попросите администратора включить её.",
		"login.empty":    "Введите имя и пароль.",

		"queue.title":            "Очередь",
		"queue_name.first_line":  "Первая линия",
		"queue_name.second_line": "Вторая линия",
		"queue_name.third_line":  "Третья линия",
		"queue.all":              "Все очереди",
		"queue.search":           "Номер обращения или имя клиента",
		"queue.search.go":        "Найти",
		"queue.search.hint":      "Нажмите /, чтобы искать",
		"queue.empty":            "Здесь нет обращений.",
		"queue.truncated":        "Показаны первые %d обращений; уточните фильтры, чтобы увидеть остальные.",
		"queue.live":             "Онлайн",
		"queue.offline":          "Переподключение…",

		"state.waiting": "Ждут",
		"state.mine":    "Мои",
		"state.open":    "Открытые",
		"state.closed":  "Закрытые",

		"col.number":   "Обращение",
		"col.customer": "Клиент",
		"col.channel":  "Канал",
		"col.priority": "Приоритет",
		"col.queue":    "Очередь",
		"col.status":   "Статус",
		"col.assignee": "Исполнитель",
		"col.reason":   "Причина",
		"col.age":      "Возраст",
		"col.sla":      "SLA",

		"priority.urgent": "срочный",
		"priority.high":   "высокий",
		"priority.normal": "обычный",
		"priority.low":    "низкий",

		"attachment.photo":    "фото",
		"attachment.document": "документ",
		"attachment.voice":    "голосовое сообщение",
		"status.queued":       "ждёт",
		"status.assigned":     "в работе",
		"status.closed":       "закрыто",

		"reason.no_match":     "не понял",
		"reason.intent":       "тема",
		"reason.not_helpful":  "не помогло",
		"reason.customer_ask": "просил человека",

		"why.no_match":     "Бот не нашёл уверенного ответа, даже после просьбы переформулировать.",
		"why.intent":       "Эту тему всегда решает человек: %s.",
		"why.not_helpful":  "Клиент ответил, что ответ бота (%s) не помог.",
		"why.customer_ask": "Клиент попросил позвать человека.",
		"why.other":        "Передано: %s.",

		"sla.overdue":        "просрочено на %s",
		"sla.first_response": "Первый ответ",
		"sla.resolution":     "Решение",
		"sla.answered":       "ответ дан",
		"sla.breached":       "SLA нарушен",
		"sla.none":           "без срока",
		"sla.resolved":       "решено",
		"sla.late":           "позже срока",
		"sla.no_reply":       "закрыто без ответа",

		"unit.d": "д",
		"unit.h": "ч",
		"unit.m": "м",
		"unit.s": "с",

		"ticket.title":            "Обращение %s",
		"ticket.customer":         "Клиент",
		"ticket.channel":          "Канал",
		"ticket.queue":            "Очередь",
		"ticket.assignee":         "Исполнитель",
		"ticket.nobody":           "пока никто",
		"ticket.created":          "Создано",
		"ticket.closed_at":        "Закрыто",
		"ticket.csat":             "Оценка",
		"ticket.csat.value":       "%d из 5",
		"ticket.reopens":          "Переоткрыто",
		"ticket.why":              "Почему нужен человек",
		"ticket.fields":           "Что клиент сообщил боту",
		"ticket.fields.empty":     "не указано",
		"ticket.considered":       "Что предполагал бот",
		"ticket.considered.none":  "У бота не было вариантов.",
		"ticket.others":           "Другие обращения клиента",
		"ticket.transcript":       "Переписка",
		"ticket.changed":          "Обращение изменилось с тех пор, как вы его открыли.",
		"ticket.reload":           "Обновить",
		"ticket.assigned_other":   "С обращением работает %s: можно добавить заметку или передать его.",
		"ticket.closed_hint":      "Обращение закрыто: можно только добавить внутреннюю заметку.",
		"ticket.unnamed":          "Клиент · №%d",
		"ticket.unnamed.webchat":  "Посетитель сайта · №%d",
		"ticket.unnamed.telegram": "Пользователь Telegram · №%d",
		"ticket.unnamed.whatsapp": "Пользователь WhatsApp · №%d",
		"ticket.email":            "E-mail",
		"ticket.phone":            "Телефон",
		"ticket.erased":           "Сообщения, файлы и контакты клиента удалены %s.",
		"ticket.erased_name":      "(удалено)",

		"author.customer": "Клиент",
		"author.bot":      "Бот",
		"author.agent":    "Специалист",
		"author.system":   "Система",
		"author.note":     "Внутренняя заметка",
		"author.ticket":   "обращение %s",

		"action.take":              "Взять",
		"action.reply":             "Отправить клиенту",
		"action.note":              "Добавить заметку",
		"action.transfer":          "Передать",
		"action.close":             "Закрыть обращение",
		"action.close.confirm":     "Закрыть обращение? Клиента попросят оценить помощь.",
		"action.erase":             "Удалить данные клиента",
		"action.erase.confirm":     "Удалить сообщения, файлы, имя и идентификатор чата клиента навсегда? Обращения и показатели останутся. Отменить это нельзя.",
		"action.erase.open":        "Закройте открытое обращение клиента, прежде чем удалять его данные.",
		"action.erase.unconfirmed": "Удаление нужно подтвердить.",
		"action.transfer.to":       "В очередь",
		"action.transfer.note":     "Причина (необязательно)",
		"action.transfer.leaves":   "Обращение, переданное в очередь, которую вы не ведёте, станет вам недоступно.",
		"action.reply.label":       "Ответ",
		"action.reply.hint":        "Наберите /шаблон и Tab, чтобы вставить готовый ответ. Ctrl+Enter отправляет.",
		"action.reply.placeholder": "Напишите клиенту…",
		"action.note.placeholder":  "Напишите внутреннюю заметку…",
		"action.canned":            "Готовые ответы",

		"error.back":             "Вернуться к очереди",
		"error.conflict":         "Сейчас это сделать нельзя",
		"error.invalid":          "Проверьте введённое",
		"error.not_found":        "Не найдено",
		"error.too_large":        "Слишком длинно",
		"error.forbidden":        "Нет доступа",
		"error.unauthorized":     "Сначала войдите",
		"error.rate_limited":     "Слишком много попыток",
		"error.unavailable":      "Временно недоступно",
		"error.internal":         "Что-то пошло не так",
		"error.internal.text":    "Сервер не смог это выполнить. Попробуйте ещё раз; если не получится, сообщите администратору.",
		"error.no_ticket":        "Обращения %s нет.",
		"error.no_page":          "Такой страницы в панели нет.",
		"error.no_version":       "В форме нет версии обращения; обновите страницу и попробуйте снова.",
		"error.form":             "Не удалось прочитать форму.",
		"error.form_too_large":   "Форма слишком большая.",
		"error.lang":             "Язык должен быть ru или en.",
		"error.after":            "after должен быть номером сообщения.",
		"error.self_disable":     "Нельзя отключить собственную учётную запись.",
		"error.self_password":    "Свой пароль здесь не сбрасывается: это завершило бы ваш сеанс. Используйте firstline user passwd.",
		"error.no_queue":         "Очереди %q нет.",
		"error.unknown_shortcut": "Готового ответа /%s нет, поэтому ничего не отправлено. Есть такие: %s.",
		"error.no_shortcuts":     "Готового ответа /%s нет (в базе знаний их нет совсем), поэтому ничего не отправлено.",

		"webchat.title":           "Веб-чат на вашем сайте",
		"webchat.snippet":         "Вставьте эту строку в страницы сайта перед </body>: в углу появится кнопка чата; разговор сохраняется при переходах между страницами.",
		"webchat.copy":            "Скопировать",
		"webchat.copied":          "Скопировано",
		"webchat.options":         "Настройки — атрибуты тега: data-position=\"left\", data-color=\"#0f766e\", data-lang=\"ru\" или \"en\", data-title=\"…\", data-launcher=\"false\" (без кнопки: чат открывает ваша собственная кнопка).",
		"webchat.api":             "Скрипты вашей страницы могут вызывать:",
		"webchat.origins":         "Сайты, которым разрешено показывать чат",
		"webchat.origins.any":     "Любой сайт (\"*\").",
		"webchat.origins.none":    "Пока ни одного: чат открывается только на странице этого сервера. Укажите адрес сайта, например https://shop.example, в webchat.allowed_origins.",
		"webchat.origins.change":  "Список задаётся в webchat.allowed_origins в configs/firstline.yaml; после изменения перезапустите сервер. Другие сайты не могут ни показать чат, ни обращаться к его API.",
		"webchat.page":            "Открыть страницу чата",
		"whatsapp.title":          "WhatsApp",
		"whatsapp.off":            "WhatsApp выключен: укажите whatsapp.enabled: true в configs/firstline.yaml и перезапустите сервер.",
		"whatsapp.state":          "Состояние",
		"whatsapp.account":        "Аккаунт",
		"whatsapp.scan":           "На телефоне: WhatsApp → Настройки → Связанные устройства → Привязка устройства, затем отсканируйте этот код. Он меняется примерно каждые 20 секунд.",
		"whatsapp.type_code":      "На телефоне: WhatsApp → Настройки → Связанные устройства → Привязка устройства → Привязать по номеру телефона, затем введите код:",
		"whatsapp.waiting":        "Подключаемся к WhatsApp…",
		"whatsapp.logout":         "Отвязать аккаунт",
		"whatsapp.logout.confirm": "Отвязать этот аккаунт WhatsApp? Клиенты, которые пишут на этот номер, не попадут к боту, пока его не привяжут снова.",
		"whatsapp.pair_qr":        "Привязать по QR-коду",
		"whatsapp.phone":          "Номер телефона",
		"whatsapp.pair_phone":     "Привязать по коду",
		"whatsapp.phone_invalid":  "Укажите номер в международном формате, например +79991234567.",
		"whatsapp.pairing":        "Привязка уже идёт.",
		"wa.not paired":           "не привязан",
		"wa.connecting":           "подключается",
		"wa.connected":            "подключён",
		"wa.logged out":           "отвязан",
		"wa.disconnected":         "отключён",
		"users.title":             "Пользователи",
		"users.name":              "Имя",
		"users.role":              "Роль",
		"users.queues":            "Очереди",
		"users.queues.all":        "все",
		"users.state":             "Состояние",
		"users.active":            "активен",
		"users.disabled":          "отключён",
		"users.last_seen":         "Был в панели",
		"users.never":             "никогда",
		"users.change":            "Изменить",
		"users.queues.hint":       "Ничего не отмечено: все очереди.",
		"users.queues.save":       "Сохранить очереди",
		"users.reset":             "Сбросить пароль",
		"users.reset.confirm":     "Сбросить пароль %s? Сеансы пользователя сразу завершатся, API-токены будут отозваны; новый пароль будет показан здесь один раз.",
		"users.reset.done":        "Новый пароль %s:",
		"users.reset.once":        "Передайте его сейчас: он показывается только один раз.",
		"users.you":               "вы",
		"users.add":               "Добавить пользователя",
		"users.password":          "Пароль",
		"users.password.hint":     "Не короче 10 символов.",
		"users.create":            "Добавить",
		"users.disable":           "Отключить",
		"users.enable":            "Включить",
		"users.disable.confirm":   "Отключить %s? Все его сеансы сразу завершатся, а API-токены будут отозваны; после включения они не вернутся.",

		"nav.analytics": "Аналитика",

		"analytics.title":             "Аналитика",
		"analytics.range":             "с %s по %s: %d дн., UTC",
		"analytics.from":              "С",
		"analytics.to":                "По (включительно)",
		"analytics.range.hint":        "Дни по UTC, оба включительно: период начинается в начале дня «С» и заканчивается в конце дня «По». Не больше 366 дней.",
		"analytics.lang":              "Язык",
		"analytics.intent":            "Тема",
		"analytics.agent":             "Специалист",
		"analytics.all":               "Все",
		"analytics.apply":             "Показать",
		"analytics.reset":             "Последние 7 дней",
		"analytics.no_events":         "Аналитических событий пока нет: цифры появятся с первым разговором после обновления.",
		"analytics.outcomes":          "Обращения и чем они закончились",
		"analytics.contacts":          "Обращения",
		"analytics.contacts.hint":     "вопросы клиентов, по первому сообщению",
		"analytics.deflected":         "Решено ботом",
		"analytics.deflected.hint":    "бот справился сам: подтверждено + предположительно, от всех обращений",
		"analytics.confirmed":         "подтверждено",
		"analytics.confirmed.hint":    "клиент ответил, что ответ помог",
		"analytics.assumed":           "предположительно",
		"analytics.assumed.hint":      "бот ответил, и клиент не вернулся в течение окна переоткрытия",
		"analytics.escalated":         "Переданы людям",
		"analytics.escalated.hint":    "обращение создано или переоткрыто",
		"analytics.unanswered":        "Без ответа",
		"analytics.unanswered.hint":   "бот не дал ни одного ответа по теме",
		"analytics.returned":          "Вернулись",
		"analytics.returned.hint":     "бот ответил, но клиент вернулся в течение окна переоткрытия",
		"analytics.pending":           "Пока неясно",
		"analytics.pending.hint":      "слишком недавно, чтобы судить",
		"analytics.pending.explained": "Пока неясно: обращения, которые ещё идут, и обращения, на которые бот ответил без «помогло», когда клиент ещё может вернуться в течение окна переоткрытия (%s). Каждое станет решённым ботом (предположительно) или вернувшимся, когда это выяснится, поэтому доля за последние дни ещё какое-то время растёт.",
		"analytics.answered_bot":      "Ответил бот",
		"analytics.answered_bot.hint": "бот дал ответ по теме, чем бы ни закончилось, от всех обращений",
		"analytics.error.no_intent":   "Темы %q нет: выберите из списка.",
		"analytics.error.no_queue":    "Очереди %q нет: выберите из списка.",
		"analytics.error.no_agent":    "Специалиста %q нет: выберите из списка.",
		"analytics.chart":             "Доля решённых ботом по дням",
		"analytics.chart.bars":        "обращения (самый высокий столбец: %d)",
		"analytics.chart.day":         "%s: обращений %d",
		"analytics.chart.shares":      "; решено ботом %s (%s): подтверждено %s, предположительно %s",
		"analytics.reasons":           "Причины передачи людям",
		"analytics.reasons.hint":      "Обращения, переданные людям по каждой причине, от всех обращений; считается первая передача.",
		"analytics.share":             "Доля",
		"analytics.count":             "Обращения",
		"analytics.clarified":         "Успешные уточнения",
		"analytics.clarified.hint":    "Вопросы «Вы имели в виду…?», на которые клиент ответил выбором варианта, от всех заданных.",
		"analytics.intents":           "Темы",
		"analytics.answered":          "Ответов",
		"analytics.intent_contacts":   "Обращений",
		"analytics.helpful":           "Помогло",
		"analytics.escalated_after":   "Передано после ответа",
		"analytics.none_answered":     "За этот период бот ничего не ответил.",
		"analytics.agents":            "Специалисты",
		"analytics.queues":            "Очереди",
		"analytics.tickets":           "Обращений",
		"analytics.closed":            "Закрыто",
		"analytics.median":            "медиана",
		"analytics.sla_missed":        "SLA нарушен",
		"analytics.sla.first":         "первый ответ",
		"analytics.sla.resolution":    "решение",
		"analytics.reopened":          "Переоткрыто",
		"analytics.ratings":           "Оценки",
		"analytics.all_tickets":       "Все обращения",
		"analytics.nobody":            "(никто)",
		"analytics.about":             "Отчёт на %s; обращение заканчивается после %s тишины; возвраты считаются в течение %s.",
		"analytics.working_time":      "Время первого ответа и решения — рабочее: по часам работы очередей, в которых были обращения.",
		"analytics.since":             "Аналитические события записываются с %s.",
		"analytics.error.from":        "Начало периода %q — не дата ГГГГ-ММ-ДД.",
		"analytics.error.to":          "Конец периода %q — не дата ГГГГ-ММ-ДД.",
		"analytics.error.range":       "Период пуст: последний день %s раньше первого %s.",
		"analytics.error.long":        "В периоде %d дн.; за раз можно показать не больше %d.",
		"analytics.error.filter":      "Значение фильтра должно быть текстом не длиннее %d символов.",
		"analytics.error.sort":        "Таблицу тем нельзя отсортировать по %q.",
		"analytics.error.dir":         "Порядок сортировки — asc или desc, а не %q.",
		"analytics.error.table":       "Таблицы %q для выгрузки нет.",

		"nav.review": "Разбор",

		"review.title":              "Что бот не смог ответить",
		"review.hint":               "Сообщения клиентов, на которые бот не ответил уверенно: просил переформулировать (вернулся клиент или нет), передал людям, не найдя ответа, переспросил, или ответ не помог; сгруппированы по смыслу. Сообщения, которые уже есть в базе знаний как примеры, не показаны. Дни — по UTC.",
		"review.summary":            "Сообщений: %d, групп: %d; уже примеры и не показаны: %d.",
		"review.truncated":          "Показаны первые %d сообщений; сузьте период, чтобы увидеть остальные.",
		"review.empty":              "За эти дни разбирать нечего.",
		"review.group.count":        "Сообщений: %d",
		"review.reason.escalated":   "передано людям",
		"review.reason.rephrased":   "просил переформулировать",
		"review.reason.clarified":   "переспросил",
		"review.reason.not_helpful": "не помогло",
		"review.suggested":          "Бот теперь думает о:",
		"review.similar":            "Ближайшие примеры в базе знаний:",
		"review.history.error":      "Не удалось прочитать журнал изменений; причина — в журнале сервера.",
		"review.all":                "Все сообщения (%d)",
		"review.message":            "Сообщение",
		"review.why":                "Почему здесь",
		"review.now":                "Что бот делает теперь",
		"review.when":               "Когда",
		"review.add":                "Добавить примером к",
		"review.add.go":             "Добавить…",
		"review.intent":             "Тема",
		"review.lang":               "Язык",
		"review.decision.answer":    "отвечает",
		"review.decision.clarify":   "переспрашивает",
		"review.decision.none":      "не знает",
		"review.new":                "Новая тема из этой группы",
		"review.examples":           "Примеры",
		"review.examples.hint":      "По примеру на строку; для начала — сообщения группы. Удалите строки не о том и допишите, как ещё клиенты спрашивают то же самое.",
		"review.examples_in":        "Примеры (%s)",
		"review.check":              "Проверить новую тему",
		"review.id":                 "Идентификатор",
		"review.id.hint":            "Строчные латинские буквы, цифры и _.",
		"review.title_in":           "Название (%s)",
		"review.answer_in":          "Ответ (%s)",
		"review.file":               "Файл",
		"review.history":            "Внесённые изменения",
		"review.history.empty":      "Из панели и firstline learn изменений ещё не вносили.",
		"review.history.new":        "новая",
		"review.history.reason":     "Сохранено вопреки предупреждению: %s",
		"review.by":                 "Кто",
		"review.added":              "Добавленные примеры",
		"review.saved.intent":       "Сохранено: %s добавил тему %s в %s с примерами",
		"review.saved.example":      "Сохранено: %s добавил к теме %s в %s пример",
		"review.edit.title":         "Проверка изменения",
		"review.edit.intent":        "Новая тема %s.",
		"review.edit.example":       "Сообщение «%s» как пример темы %s.",
		"review.back":               "Назад к разбору",
		"review.nothing_saved":      "Ничего не сохранено.",
		"review.diff":               "Изменение файла",
		"review.guard":              "Проверка",
		"review.guard.ok":           "Можно сохранить.",
		"review.guard.blocked":      "Предупреждение: сохранится, только если указать причину.",
		"review.guard.tests":        "Ломает тестов: %d из %d.",
		"review.guard.intents":      "Из %d тем %d узнают свои примеры чуть хуже, в пределах допуска, и %d — хуже допуска.",
		"review.guard.new":          "Новая тема %s: %d%% из её %d примеров узнаются по остальным (больше примеров — лучше).",
		"review.guard.added":        "%s: остальные примеры узнают %d из %d новых; на %d прежних — %d%% до и %d%% после.",
		"review.guard.failed":       "Тесты, которые с ним не проходят",
		"review.guard.already":      "Тесты, которые не проходят и сейчас (не блокируют)",
		"review.guard.worse":        "Темы, которые станут хуже",
		"review.expected":           "Ожидалось",
		"review.got":                "Получилось",
		"review.where":              "Где",
		"review.before":             "До",
		"review.after":              "После",
		"review.allowed":            "Допуск",
		"review.lost":               "Примеры, которые она потеряет",
		"review.recheck":            "Проверить снова",
		"review.save":               "Сохранить",
		"review.save.anyway":        "Сохранить с этой причиной",
		"review.override":           "Почему сохранить всё равно",
		"review.override.hint":      "Записывается с вашим именем в журнал изменений вместе с тем, о чём предупредила проверка.",
		"review.override.needed":    "Проверка предупреждает об этом изменении: чтобы сохранить его всё равно, укажите причину. Ничего не сохранено.",
		"review.save.hint":          "При сохранении изменение проверяется ещё раз и записывается с вашим именем в журнал изменений папки с темами.",
		"review.error.kind":         "Изменения вида %q нет.",
		"review.error.off":          "Этот сервер не меняет базу знаний из панели.",

		// Раздел «Здоровье базы знаний» страницы разбора (health.go).
		"health.title":        "Здоровье базы знаний",
		"health.hint":         "Каждый пример по очереди убирался из базы знаний и задавался как вопрос клиента, с порогами, которые сейчас действуют: что бот сделал с ним — то и ждёт вопросы на эту тему, сформулированные не так, как примеры. Проверяется заново при каждой перезагрузке базы знаний.",
		"health.summary":      "Примеров: %d, перекрёстная проверка на %d частях: верный ответ — %s, неверный ответ — %s, среди вариантов — %s, без ответа — %s.",
		"health.took":         "(%s с)",
		"health.flagged":      "Темы, которым нужны ещё или другие примеры: %d из %d.",
		"health.none":         "Всем темам хватает примеров.",
		"health.error":        "Не удалось проверить базу знаний; причина — в журнале сервера.",
		"health.pending":      "База знаний проверяется: каждый пример сопоставляется с базой, собранной без него; после каждой перезагрузки это занимает несколько секунд.",
		"health.reload":       "Обновить страницу",
		"health.in_ten":       "%d из 10",
		"health.examples":     "примеров: %d",
		"health.answered":     "ответ на вопросы: %s",
		"health.confused":     "спутана с %s: %s",
		"health.offered":      "среди вариантов: %s",
		"health.unanswered":   "без ответа: %s",
		"health.todo.few":     "Меньше %d примеров: добавьте ещё 3–5 формулировок, которыми клиент спросил бы об этом.",
		"health.todo.more":    "Добавьте ещё 3–5 формулировок, которыми клиент спросил бы об этом.",
		"health.todo.missed":  "Добавьте другие формулировки того, о чём спрашивают эти примеры:",
		"health.todo.alike":   "Слишком похожа на %s: сделайте их примеры непохожими или объедините темы.",
		"health.todo.lang":    "Нет примеров на языке %s, хотя у других тем есть: добавьте примеры и ответ на %s.",
		"health.all":          "Все темы (%d)",
		"health.col.examples": "Примеров",
		"health.col.right":    "Верный ответ",
		"health.col.wrong":    "Неверный ответ",
		"health.col.offered":  "Среди вариантов",
		"health.col.none":     "Без ответа",
	},
}

// jsKeys are the texts the panel's scripts need, handed to them as JSON.
var jsKeys = []string{"sla.overdue", "unit.d", "unit.h", "unit.m", "unit.s", "queue.live", "queue.offline"}

// tr returns the text of key in lang with args filled in. An unknown key
// comes back as itself, which a test would notice.
func tr(lang, key string, args ...any) string {
	s, ok := translations[lang][key]
	if !ok {
		return key
	}
	if len(args) > 0 {
		return fmt.Sprintf(s, args...)
	}
	return s
}

// jsTexts returns the texts the scripts need, in lang.
func jsTexts(lang string) map[string]string {
	out := make(map[string]string, len(jsKeys))
	for _, k := range jsKeys {
		out[k] = tr(lang, k)
	}
	return out
}

// pageLang is the language to show the panel in: the user's choice, else
// what the browser prefers.
func pageLang(c *gin.Context) string {
	if u := auth.CurrentUser(c); u != nil && validLang(u.Lang) {
		return u.Lang
	}
	return browserLang(c.GetHeader("Accept-Language"))
}

// validLang reports whether the panel speaks lang.
func validLang(lang string) bool {
	return lang == langEN || lang == langRU
}

// browserLang picks ru or en from an Accept-Language header: whichever of
// the two the browser rates higher, earlier on a tie; en when it names
// neither. An element with a weight that is not one (RFC 9110: 0 to 1, at
// most three decimals) is passed over, so "en;q=2" cannot outrank "ru".
func browserLang(header string) string {
	best, bestQ := langEN, 0
	for part := range strings.SplitSeq(header, ",") {
		tag, params, _ := strings.Cut(part, ";")
		primary, _, _ := strings.Cut(strings.ToLower(strings.TrimSpace(tag)), "-")
		if !validLang(primary) {
			continue
		}
		q, ok := weight(params)
		if ok && q > bestQ {
			best, bestQ = primary, q
		}
	}
	return best
}

// weight is the q parameter among an element's parameters, in thousandths
// (1000 when there is none), and whether it is a valid weight.
func weight(params string) (int, bool) {
	q := 1000
	for param := range strings.SplitSeq(params, ";") {
		name, value, _ := strings.Cut(strings.TrimSpace(param), "=")
		if !strings.EqualFold(name, "q") {
			continue
		}
		var ok bool
		if q, ok = parseQValue(value); !ok {
			return 0, false
		}
	}
	return q, true
}

// parseQValue reads a weight: "0" or "1", optionally followed by a dot
// and up to three digits (only zeros after a 1), in thousandths.
func parseQValue(s string) (int, bool) {
	if s == "" || (s[0] != '0' && s[0] != '1') {
		return 0, false
	}
	whole, frac, dot := strings.Cut(s, ".")
	if len(whole) != 1 || (dot && len(frac) > 3) {
		return 0, false
	}
	q := int(whole[0]-'0') * 1000
	scale := 100
	for _, c := range []byte(frac) {
		if c < '0' || c > '9' {
			return 0, false
		}
		q += int(c-'0') * scale
		scale /= 10
	}
	return q, q <= 1000
}

// errorTitle is the headline shown above an error's message.
func errorTitle(lang string, err error) string {
	code := dialog.ErrorCode(err)
	switch code {
	case dialog.ECONFLICT, dialog.EINVALID, dialog.ENOTFOUND, dialog.ETOOLARGE, dialog.EFORBIDDEN,
		dialog.EUNAUTHORIZED, dialog.ERATELIMIT, dialog.EUNAVAILABLE:
		return tr(lang, "error."+code)
	}
	return tr(lang, "error.internal")
}

// errorText is an error's message as the panel shows it: the safe message
// of a *dialog.Error, and a general apology for anything else.
func errorText(lang string, err error) string {
	if code := dialog.ErrorCode(err); code == dialog.EINTERNAL {
		return tr(lang, "error.internal.text")
	}
	return dialog.ErrorMessage(err)
}

// panelError returns an error with the text of key in lang, for problems
// the panel itself finds in a request.
func panelError(code, lang, key string, args ...any) error {
	return &dialog.Error{Code: code, Message: tr(lang, key, args...)}
}
