package report_test

import (
	"strings"
	"testing"

	"github.com/firstline-support/firstline/dialog"
	"github.com/firstline-support/firstline/dialog/report"
)

func TestCheckFilter(t *testing.T) {
	known := report.Known{Intents: []string{"pay_bill"}, Queues: []string{"first_line"}, Agents: []string{"anna"}}
	seen := report.Values{Intents: []string{"old_intent"}, Queues: []string{"retired"}, Agents: []string{"olga"}}
	for _, f := range []report.Filter{
		{},
		{Intent: "pay_bill", Queue: "first_line", Agent: "anna"},
		{Intent: "old_intent", Queue: "retired", Agent: "olga"},
		{Channel: "anything", Lang: "xx"},
	} {
		if err := report.CheckFilter(f, known, seen); err != nil {
			t.Errorf("%+v refused: %v", f, err)
		}
	}
	for _, c := range []struct {
		f    report.Filter
		want string
	}{
		{report.Filter{Agent: "anan"}, `there is no agent "anan"; the agents are anna, olga`},
		{report.Filter{Queue: "firstline"}, `there is no queue "firstline"; the queues are first_line, retired`},
		{report.Filter{Intent: "paybill"}, `there is no intent "paybill"; the intents are old_intent, pay_bill`},
	} {
		err := report.CheckFilter(c.f, known, seen)
		if dialog.ErrorCode(err) != dialog.EINVALID || !strings.Contains(dialog.ErrorMessage(err), c.want) {
			t.Errorf("%+v: %v, want EINVALID %q", c.f, err, c.want)
		}
	}
	if err := report.CheckFilter(report.Filter{Agent: "x"}, report.Known{}, report.Values{}); dialog.ErrorMessage(err) != `there is no agent "x"` {
		t.Errorf("with no agents at all: %v", err)
	}
}
