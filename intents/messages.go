package intents

// Names of the shared messages the engine sends. Every one has a built-in
// default in Russian and English; a `messages:` section in any intents file
// overrides them.
const (
	MsgGreeting         = "greeting"             // reply to /start
	MsgRephrase         = "rephrase"             // no confident match, first time
	MsgFileOnly         = "file_only"            // a file came without words while the bot answers
	MsgClarify          = "clarify"              // some intents are plausible, none is sure: "did you mean ...?"
	MsgAlsoAsked        = "also_asked"           // before the answer to the other of two questions, once one was picked
	MsgEscalated        = "escalated"            // a ticket was created
	MsgAddedToTicket    = "added_to_ticket"      // a waiting customer's message joined the ticket
	MsgAgentJoined      = "agent_joined"         // an agent took the ticket
	MsgTransferred      = "ticket_transferred"   // an agent passed the ticket to another queue
	MsgLateNotice       = "late_notice"          // a deadline of the ticket is near and unmet
	MsgWaiting          = "waiting_for_customer" // the agent waits for the customer's answer
	MsgWaitingReminder  = "waiting_reminder"     // the customer has not answered for a while
	MsgClosedNoReply    = "closed_no_reply"      // the ticket closed as the customer never answered
	MsgClosed           = "closed"               // the ticket was resolved
	MsgFeedbackQuestion = "feedback_question"    // "did this help?"
	MsgFeedbackThanks   = "feedback_thanks"      // the customer said it helped
	MsgStatusTicket     = "status_ticket"        // reply to /status with a ticket
	MsgStatusNone       = "status_none"          // reply to /status without a ticket
	MsgButtonYes        = "button_yes"           // label of the "yes" button
	MsgButtonNo         = "button_no"            // label of the "no" button
	MsgButtonHuman      = "button_human"         // label of the "talk to a person" button of a clarify question
	MsgCSATQuestion     = "csat_question"        // asked after a ticket is closed
	MsgCSATThanks       = "csat_thanks"          // the customer rated the support
	MsgStatusQueued     = "status_queued"        // ticket status words used in {{.status}}
	MsgStatusAgent      = "status_agent"
	MsgStatusWaiting    = "status_waiting"
	MsgStatusClosed     = "status_closed"
	MsgCollectIntro     = "collect_intro"   // before the first question an escalating intent asks (collect:)
	MsgCollectInvalid   = "collect_invalid" // an answer did not fit the question's pattern
	MsgCollectConfirm   = "collect_confirm" // after a question, the value the customer gave before: is it still right?
	MsgButtonSkip       = "button_skip"     // label of the button that skips an optional question
	MsgButtonConnect    = "button_connect"  // label of the button that stops the questions and hands over at once

	MsgIncidentNotice       = "incident_notice"           // an open incident covers what the customer asked about
	MsgIncidentNoticeAreas  = "incident_notice_areas"     // the same, when the incident names areas the customer did not mention
	MsgIncidentSubscribed   = "incident_subscribed"       // the customer will be told when the incident is over
	MsgIncidentClosed       = "incident_closed"           // the incident is over (unless its close text says otherwise)
	MsgButtonIncidentNotify = "button_incident_subscribe" // label of the button asking to be told when the incident is over
	MsgButtonIncidentPerson = "button_incident_person"    // label of the button asking for a person all the same
)

// DefaultMessages are the built-in shared messages.
var DefaultMessages = map[string]Text{
	MsgGreeting: {
		LangRU: "Здравствуйте! Я бот поддержки. Напишите свой вопрос, а если понадобится человек, напишите /human.",
		LangEN: "Hello! I am the support bot. Ask your question, and type /human whenever you want a person.",
	},
	MsgRephrase: {
		LangRU: "Я не уверен, что понял вопрос. Переформулируйте, пожалуйста, одним-двумя предложениями.",
		LangEN: "I am not sure I understood. Could you rephrase it in a sentence or two?",
	},
	MsgFileOnly: {
		LangRU: "Файл получил, но прочитать его я не могу. Опишите, пожалуйста, вопрос словами или позовите специалиста: он увидит файл.",
		LangEN: "I have your file, but I cannot read it. Please describe your question in words, or ask for a person: they will see the file.",
	},
	MsgClarify: {
		LangRU: "Уточните, пожалуйста, что вы имели в виду: {{.options}}?",
		LangEN: "Did you mean {{.options}}?",
	},
	MsgAlsoAsked: {
		LangRU: "Вы также спрашивали про {{.options}}:",
		LangEN: "You also asked about {{.options}}:",
	},
	MsgEscalated: {
		LangRU: "Я передал ваш вопрос специалисту, номер обращения {{.ticket}}. {{if .opens}}Сейчас нерабочее время: специалисты вернутся {{.opens}} и ответят в этом же чате{{if .wait}} {{.wait}}{{end}}{{else}}Вам ответит человек в этом же чате{{end}}, повторять ничего не нужно.",
		LangEN: "I have passed your question to a specialist, ticket {{.ticket}}. {{if .opens}}We are closed now: our team is back {{.opens}} and will answer in this chat{{if .wait}} {{.wait}}{{end}}{{else}}A person will answer in this chat{{end}}; you do not need to repeat anything.",
	},
	MsgAddedToTicket: {
		LangRU: "Добавил это к обращению {{.ticket}}.{{if .opens}} Сейчас нерабочее время: специалисты вернутся {{.opens}}{{if .wait}} и ответят {{.wait}}{{end}}.{{else if .wait}} По нашим срокам специалист ответит {{.wait}}.{{end}}",
		LangEN: "Added to ticket {{.ticket}}.{{if .opens}} We are closed now: our team is back {{.opens}}{{if .wait}} and will answer {{.wait}}{{end}}.{{else if .wait}} By our service terms an agent is due to answer {{.wait}}.{{end}}",
	},
	MsgAgentJoined: {
		LangRU: "К чату подключился специалист {{.agent}}.",
		LangEN: "{{.agent}} from our support team has joined the chat.",
	},
	MsgTransferred: {
		LangRU: "Ваше обращение {{.ticket}} передано: {{.queue}}. Специалист ответит в этом же чате, повторять ничего не нужно.",
		LangEN: "Your request {{.ticket}} was passed on to {{.queue}}. A specialist there will answer in this chat; you do not need to repeat anything.",
	},
	MsgLateNotice: {
		LangRU: "Мы задерживаемся с обращением {{.ticket}}, простите. Рассчитываем ответить до {{.due}}.",
		LangEN: "We are running late with {{.ticket}}, sorry. We expect to answer by {{.due}}.",
	},
	MsgWaiting: {
		LangRU: "Специалист ждёт вашего ответа по обращению {{.ticket}}. Напишите сюда, когда будете готовы.",
		LangEN: "The specialist is waiting for your answer on {{.ticket}}. Write here whenever you are ready.",
	},
	MsgWaitingReminder: {
		LangRU: "Напоминаем: по обращению {{.ticket}} мы ждём вашего ответа. Если его не будет, обращение закроется.",
		LangEN: "A reminder: we are waiting for your answer on {{.ticket}}. Without one, the ticket will be closed.",
	},
	MsgClosedNoReply: {
		LangRU: "Мы не дождались ответа и закрыли обращение {{.ticket}}. Если вопрос остался, просто напишите сюда.",
		LangEN: "We did not hear back from you, so ticket {{.ticket}} is closed. If anything is left, just write here.",
	},
	MsgClosed: {
		LangRU: "Обращение {{.ticket}} закрыто. Если вопрос остался, просто напишите сюда.",
		LangEN: "Ticket {{.ticket}} is closed. If anything is left, just write here.",
	},
	MsgFeedbackQuestion: {
		LangRU: "Это помогло?",
		LangEN: "Did this help?",
	},
	MsgFeedbackThanks: {
		LangRU: "Рад был помочь!",
		LangEN: "Glad I could help!",
	},
	MsgStatusTicket: {
		LangRU: "Обращение {{.ticket}}: {{.status}}.",
		LangEN: "Ticket {{.ticket}}: {{.status}}.",
	},
	MsgStatusNone: {
		LangRU: "У вас нет открытых обращений. Задайте вопрос, и я постараюсь помочь.",
		LangEN: "You have no open tickets. Ask your question and I will try to help.",
	},
	MsgButtonYes:     {LangRU: "Да", LangEN: "Yes"},
	MsgButtonNo:      {LangRU: "Нет", LangEN: "No"},
	MsgButtonHuman:   {LangRU: "Позвать оператора", LangEN: "Talk to a person"},
	MsgCSATQuestion:  {LangRU: "Оцените, пожалуйста, помощь специалиста от 1 до 5.", LangEN: "Please rate the help you got from 1 to 5."},
	MsgCSATThanks:    {LangRU: "Спасибо за оценку!", LangEN: "Thank you for your rating!"},
	MsgStatusQueued:  {LangRU: "ждёт специалиста", LangEN: "waiting for a specialist"},
	MsgStatusAgent:   {LangRU: "специалист работает над ним", LangEN: "a specialist is working on it"},
	MsgStatusWaiting: {LangRU: "специалист ждёт вашего ответа", LangEN: "the specialist is waiting for your answer"},
	MsgStatusClosed:  {LangRU: "закрыто", LangEN: "closed"},
	MsgCollectIntro: {
		LangRU: "Передам вопрос специалисту. Чтобы он помог быстрее, ответьте, пожалуйста, на несколько вопросов.",
		LangEN: "I will pass this to a specialist. So that they can help you faster, please answer a few questions.",
	},
	MsgCollectInvalid: {
		LangRU: "Похоже, это не тот ответ. Попробуйте ещё раз.",
		LangEN: "That does not look right. Please try again.",
	},
	MsgCollectConfirm: {
		LangRU: "В прошлый раз вы указали: {{.value}}. Всё верно?",
		LangEN: "Last time you gave: {{.value}}. Is that still right?",
	},
	MsgButtonSkip:    {LangRU: "Пропустить", LangEN: "Skip"},
	MsgButtonConnect: {LangRU: "Соедините с оператором", LangEN: "Just connect me"},
	MsgIncidentNotice: {
		LangRU: "Мы знаем о проблеме: {{.text}}{{if .until}} Рассчитываем всё исправить к {{.until}}.{{end}} Сообщить вам, когда всё заработает?",
		LangEN: "We know about it: {{.text}}{{if .until}} We expect it fixed by {{.until}}.{{end}} Shall I tell you when it is over?",
	},
	MsgIncidentNoticeAreas: {
		LangRU: "Сейчас идут работы ({{.areas}}): {{.text}}{{if .until}} Рассчитываем всё исправить к {{.until}}.{{end}} Если вы там, сообщить вам, когда всё заработает?",
		LangEN: "There is work under way ({{.areas}}): {{.text}}{{if .until}} We expect it fixed by {{.until}}.{{end}} If you are there, shall I tell you when it is over?",
	},
	MsgIncidentSubscribed: {
		LangRU: "Хорошо, напишу сюда, как только всё заработает.",
		LangEN: "All right, I will write here as soon as it is fixed.",
	},
	MsgIncidentClosed: {
		LangRU: "Работы завершены, всё должно работать. Если что-то не так, напишите нам сюда.",
		LangEN: "It is fixed: everything should work again. If something still does not, write to us here.",
	},
	MsgButtonIncidentNotify: {LangRU: "Сообщите, когда починят", LangEN: "Tell me when it is fixed"},
	MsgButtonIncidentPerson: {LangRU: "Мне всё равно нужен человек", LangEN: "I still need a person"},
}

// Messages holds the shared message templates by name and language.
type Messages map[string]map[string]*Template

// Render returns the message name in lang with vars filled in.
func (m Messages) Render(name, lang string, vars Vars) string {
	byLang := m[name]
	if t := byLang[lang]; t != nil {
		return t.Render(vars)
	}
	for _, l := range Languages {
		if t := byLang[l]; t != nil {
			return t.Render(vars)
		}
	}
	return ""
}
