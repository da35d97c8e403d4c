package panel

import (
	"context"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/gin-gonic/gin"
	"rsc.io/qr"

	"github.com/firstline-support/firstline/dialog"
	"github.com/firstline-support/firstline/dialog/web/httperror"
)

// WhatsApp is the WhatsApp account an admin links and unlinks from the
// panel (bots/whatsapp's Channel).
type WhatsApp interface {
	// Status returns the connection state and the linked account.
	Status() (state, jid string)
	// Pair links an account: by QR codes passed to onQR, or, with phone,
	// by a code to type in the phone. It returns once linked or failed.
	Pair(ctx context.Context, onQR func(code string), phone string) error
	// Logout unlinks the account.
	Logout(ctx context.Context) error
}

// pairTimeout is how long one pairing attempt waits for the phone.
const pairTimeout = 3 * time.Minute

// whatsappPairing is the pairing in progress, if any: the admin page shows
// its current QR code or phone code.
type whatsappPairing struct {
	mu      sync.Mutex
	running bool
	code    string // the QR code's text, or the phone code
	byPhone bool
	err     error // why the last attempt failed
	cancel  context.CancelFunc
}

// SetWhatsApp turns on the admin page's WhatsApp linking for wa. Without
// it the page says WhatsApp is off in the configuration.
func (p *Panel) SetWhatsApp(wa WhatsApp) {
	p.whatsapp = wa
}

// whatsappPage is the data of the WhatsApp admin page.
type whatsappPage struct {
	base
	Enabled bool
	State   string
	JID     string
	Pairing bool
	Code    string // the phone code, when pairing by phone
	QR      bool   // a QR code is ready at /panel/admin/whatsapp/qr.png
	Error   *pageError
}

func (p *Panel) whatsappPage(c *gin.Context) {
	p.showWhatsApp(c, http.StatusOK, nil)
}

// showWhatsApp shows the WhatsApp page with status, and the error of the
// action, or else of the last pairing, if any. The action's error is
// logged as httperror.Log does; the pairing logs its own.
func (p *Panel) showWhatsApp(c *gin.Context, status int, actionErr error) {
	if actionErr != nil {
		httperror.Log(p.log, c.Request, actionErr)
	}
	data := whatsappPage{base: newBase(c, "whatsapp"), Enabled: p.whatsapp != nil}
	data.Title = tr(data.Lang, "whatsapp.title")
	data.Path = "/panel/admin/whatsapp"
	if p.whatsapp != nil {
		data.State, data.JID = p.whatsapp.Status()
		pr := &p.pairing
		pr.mu.Lock()
		data.Pairing = pr.running
		if pr.byPhone {
			data.Code = pr.code
		}
		data.QR = pr.running && !pr.byPhone && pr.code != ""
		if actionErr == nil && pr.err != nil {
			actionErr = pr.err
		}
		pr.mu.Unlock()
	}
	if actionErr != nil {
		data.Error = newPageError(data.Lang, actionErr)
	}
	p.render(c, status, p.pages.whatsapp, "layout", data)
}

// pairWhatsApp starts linking an account in the background; the page then
// shows the QR code (or the phone code) and follows the pairing.
func (p *Panel) pairWhatsApp(c *gin.Context) {
	lang := pageLang(c)
	if p.whatsapp == nil {
		p.showWhatsApp(c, http.StatusNotFound, panelError(dialog.ENOTFOUND, lang, "whatsapp.off"))
		return
	}
	if err := parseForm(c, lang); err != nil {
		p.showWhatsApp(c, httperror.Status(dialog.ErrorCode(err)), err)
		return
	}
	phone := strings.TrimSpace(c.PostForm("phone"))
	if phone != "" && !validPhone(phone) {
		p.showWhatsApp(c, http.StatusBadRequest, panelError(dialog.EINVALID, lang, "whatsapp.phone_invalid"))
		return
	}
	pr := &p.pairing
	pr.mu.Lock()
	if pr.running {
		pr.mu.Unlock()
		p.showWhatsApp(c, http.StatusConflict, panelError(dialog.ECONFLICT, lang, "whatsapp.pairing"))
		return
	}
	ctx, cancel := context.WithTimeout(p.lifetime, pairTimeout)
	pr.running, pr.code, pr.byPhone, pr.err, pr.cancel = true, "", phone != "", nil, cancel
	pr.mu.Unlock()

	p.wg.Go(func() {
		defer cancel()
		err := p.whatsapp.Pair(ctx, func(code string) {
			pr.mu.Lock()
			pr.code = code
			pr.mu.Unlock()
		}, phone)
		if err != nil {
			p.log.Warn("whatsapp pairing failed", "err", err)
		} else {
			p.log.Info("whatsapp paired from the panel")
		}
		pr.mu.Lock()
		pr.running, pr.code, pr.err = false, "", err
		pr.mu.Unlock()
	})
	c.Redirect(http.StatusSeeOther, "/panel/admin/whatsapp")
}

// whatsappQR serves the current pairing QR code as a PNG.
func (p *Panel) whatsappQR(c *gin.Context) {
	pr := &p.pairing
	pr.mu.Lock()
	code := ""
	if pr.running && !pr.byPhone {
		code = pr.code
	}
	pr.mu.Unlock()
	if code == "" {
		c.Status(http.StatusNotFound)
		return
	}
	img, err := qr.Encode(code, qr.M)
	if err != nil {
		p.fail(c, err)
		return
	}
	c.Data(http.StatusOK, "image/png", img.PNG())
}

// logoutWhatsApp unlinks the account.
func (p *Panel) logoutWhatsApp(c *gin.Context) {
	lang := pageLang(c)
	if p.whatsapp == nil {
		p.showWhatsApp(c, http.StatusNotFound, panelError(dialog.ENOTFOUND, lang, "whatsapp.off"))
		return
	}
	ctx, cancel := context.WithTimeout(c.Request.Context(), 30*time.Second)
	defer cancel()
	if err := p.whatsapp.Logout(ctx); err != nil {
		p.showWhatsApp(c, httperror.Status(dialog.ErrorCode(err)), err)
		return
	}
	c.Redirect(http.StatusSeeOther, "/panel/admin/whatsapp")
}

// validPhone accepts an international number: "+" and 7 to 15 digits.
func validPhone(s string) bool {
	s = strings.TrimPrefix(s, "+")
	if len(s) < 7 || len(s) > 15 {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}
