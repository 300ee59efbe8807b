package requester

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// statePage is a preview page shaped as the simulated provider writes it:
// the preview's state on the main element, the form while it is pending,
// and the evidence section (rendered, or only the document's link).
func statePage(state string, askIdentifier, evidence, rendered bool) string {
	var b strings.Builder
	fmt.Fprintf(&b, "<!DOCTYPE html><html><body><main data-state=%q><h1>Preview of your evidence</h1>\n", state)
	if evidence {
		b.WriteString(`<section class="evidence" aria-labelledby="evidence-heading">` + "\n" + `<h2 id="evidence-heading">The evidence</h2>` + "\n")
		if rendered {
			b.WriteString(`<div class="rendering" data-rendering="evidence">` + "\n<h3>Birth certificate</h3>\n<dl><dt>Family name</dt><dd>Muster</dd></dl>\n</div>\n")
		}
		b.WriteString(`<p>The document: <a href="tok/document">birth.pdf</a> (application/pdf, 10 bytes).</p>` + "\n</section>\n")
	}
	if state == "pending" {
		b.WriteString(`<form method="post"><input type="hidden" name="nonce" value="n">`)
		if askIdentifier {
			b.WriteString(`<input type="text" id="identifier" name="identifier" required><button type="submit">Continue</button>`)
		} else {
			b.WriteString(`<button type="submit" name="decision" value="confirm">Confirm</button><button type="submit" name="decision" value="refuse">Refuse</button>`)
		}
		b.WriteString("</form>")
	}
	b.WriteString("</main></body></html>")
	return b.String()
}

func TestPageState(t *testing.T) {
	for page, want := range map[string]string{
		statePage("pending", false, true, false):                EndedUndecided,
		statePage("confirmed", false, true, false):              EndedConfirmed,
		statePage("refused", false, false, false):               EndedRefused,
		statePage("expired", false, false, false):               EndedTimeout,
		statePage("authentication-failed", false, false, false): EndedAuthFailed,
		`<main class="x" DATA-STATE='Expired'>`:                 EndedTimeout,
		`<main data-state="thinking">`:                          "",
		`<main>no state</main>`:                                 "",
		`<p data-state="confirmed">not the main element</p>`:    "",
	} {
		if got := pageState(page); got != want {
			t.Errorf("pageState = %q, want %q for\n%s", got, want, page)
		}
	}
}

func TestShowsRendering(t *testing.T) {
	for _, tc := range []struct {
		name string
		page string
		want bool
	}{
		{"rendered evidence", statePage("pending", false, true, true), true},
		{"document link only", statePage("pending", false, true, false), false},
		{"evidence not shown yet", statePage("pending", true, false, false), false},
		{"no evidence section", "<main><p>The evidence is attached.</p><dl><dt>a</dt></dl></main>", false},
		{"another page's layout", `<h2 id="evidence-heading">The evidence</h2><dl><dt>a</dt></dl></section>`, false},
	} {
		if got := showsRendering(tc.page); got != tc.want {
			t.Errorf("%s: showsRendering = %v, want %v", tc.name, got, tc.want)
		}
	}
}

// rightIdentifier is the identifier a stateSite asks for.
const rightIdentifier = "DE/FR/SIM0000003"

// stateSite is a preview page that settles as the simulated provider's
// does: pending until a decision, expired after its deadline.
type stateSite struct {
	reauth, rendered, markState bool
	expireAfter                 time.Duration // from the first page: the preview's timeout
	deadline                    time.Time

	mu              sync.Mutex
	state           string
	authed          bool
	attemptsAllowed int
}

func (s *stateSite) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.deadline.IsZero() && s.expireAfter > 0 {
		s.deadline = time.Now().Add(s.expireAfter)
	}
	if s.state == "pending" && !s.deadline.IsZero() && time.Now().After(s.deadline) {
		s.state = "expired"
	}
	status := http.StatusOK
	if r.Method == http.MethodPost {
		_ = r.ParseForm()
		switch {
		case s.state == "expired":
			status = http.StatusGone
		case r.PostForm.Has("identifier") && r.PostForm.Get("identifier") != rightIdentifier:
			status = http.StatusForbidden
			if s.attemptsAllowed--; s.attemptsAllowed <= 0 {
				s.state = "authentication-failed"
			}
		case r.PostForm.Has("identifier"):
			s.authed = true
		case r.PostForm.Get("decision") == "confirm":
			s.state = "confirmed"
		case r.PostForm.Get("decision") == "refuse":
			s.state = "refused"
		}
	}
	ask := s.reauth && !s.authed
	body := statePage(s.state, ask, !ask && (s.state == "pending" || s.state == "confirmed"), s.rendered)
	if !s.markState {
		body = strings.Replace(body, fmt.Sprintf(" data-state=%q", s.state), "", 1)
	}
	w.WriteHeader(status)
	_, _ = w.Write([]byte(body))
}

func TestPreviewRecordsHowThePageEnded(t *testing.T) {
	for _, tc := range []struct {
		name       string
		site       *stateSite
		action     string
		identifier string
		wait       time.Duration
		ended      string
		reauth     bool
		rendering  bool
		status     int
	}{
		{"confirmed, rendered", &stateSite{rendered: true, markState: true}, PreviewConfirm, "", 0, EndedConfirmed, false, true, 200},
		{"refused, document link only", &stateSite{markState: true}, PreviewRefuse, "", 0, EndedRefused, false, false, 200},
		{"re-authenticated, then rendered", &stateSite{reauth: true, rendered: true, markState: true}, PreviewConfirm, "", 0, EndedConfirmed, true, true, 200},
		{"ignored past the deadline", &stateSite{markState: true, expireAfter: 20 * time.Millisecond}, PreviewIgnore, "", 60 * time.Millisecond, EndedTimeout, false, false, 200},
		{"ignored within the deadline", &stateSite{markState: true, expireAfter: time.Hour}, PreviewIgnore, "", time.Millisecond, EndedUndecided, false, false, 200},
		{"confirmed too late", &stateSite{markState: true, expireAfter: 20 * time.Millisecond}, PreviewConfirm, "", 60 * time.Millisecond, EndedTimeout, false, false, 410},
		{"wrong identifier, given up", &stateSite{reauth: true, markState: true, attemptsAllowed: 1}, PreviewConfirm, "XX/YY/NOBODY", 0, EndedAuthFailed, true, false, 403},
		{"wrong identifier, may try again", &stateSite{reauth: true, markState: true, attemptsAllowed: 3}, PreviewConfirm, "XX/YY/NOBODY", 0, EndedUndecided, true, false, 403},
		{"page without a state, confirmed", &stateSite{}, PreviewConfirm, "", 0, EndedConfirmed, false, false, 200},
		{"page without a state, refused", &stateSite{}, PreviewRefuse, "", 0, EndedRefused, false, false, 200},
		{"page without a state, ignored", &stateSite{}, PreviewIgnore, "", time.Millisecond, EndedUndecided, false, false, 200},
	} {
		t.Run(tc.name, func(t *testing.T) {
			site := tc.site
			site.state = "pending"
			srv := httptest.NewTLSServer(site)
			defer srv.Close()
			r := New(Config{HTTP: srv.Client()})
			j := Journey{Preview: tc.action, Identifier: tc.identifier, PreviewWait: Duration(tc.wait)}
			if j.Identifier == "" {
				j.Identifier = rightIdentifier
			}
			rec := &record{}
			if !r.preview(context.Background(), rec, &j, "P", srv.URL+"/preview/tok") {
				t.Fatalf("preview failed: %v", rec.failures)
			}
			if len(rec.previews) != 1 {
				t.Fatalf("previews %+v", rec.previews)
			}
			pv := rec.previews[0]
			if pv.Ended != tc.ended || pv.Reauth != tc.reauth || pv.Rendering != tc.rendering || pv.Status != tc.status || pv.Decision != tc.action {
				t.Errorf("preview %+v, want ended %s, reauth %v, rendering %v, status %d", pv, tc.ended, tc.reauth, tc.rendering, tc.status)
			}
		})
	}
}
