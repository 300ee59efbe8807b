package requester

import (
	"context"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"time"
)

// maxPageBytes bounds a preview page read by the simulated browser.
const maxPageBytes = 4 << 20

// maxPreviewPages bounds the forms filled at one preview: a page asking
// for the identifier again, then the page with the decision.
const maxPreviewPages = 3

// Form fields the provider's preview pages use.
const (
	fieldDecision   = "decision"
	fieldIdentifier = "identifier"
)

// preview acts as the user's browser at a preview page: it loads the page
// and, unless the user ignores it, fills and posts its form (identifier
// when asked, then the decision); a user who ignores the page looks at it
// once more as they leave, which shows how the preview stood then. It
// returns false when the page could not be used at all (the failure is
// recorded); a refusal by the page (a wrong identifier) is recorded as an
// error step and the journey goes on to the second request, whose answer
// says what the provider made of it. What every page showed — its state,
// a rendering of the evidence — is kept in the Preview.
func (r *Requester) preview(ctx context.Context, rec *record, j *Journey, provider, location string) bool {
	start := time.Now()
	pv := Preview{Provider: provider, Location: location, Decision: j.previewAction()}
	defer func() {
		pv.MS = msSince(start)
		rec.previews = append(rec.previews, pv)
	}()
	fail := func(msg string) bool {
		rec.step(StepPreview, StatusFailed, provider, msg, start)
		rec.fail(msg)
		return false
	}
	ctx, cancel := context.WithTimeout(ctx, r.timeout(j)+j.previewWait())
	defer cancel()
	page, err := r.browse(ctx, http.MethodGet, location, nil)
	if err != nil {
		return fail(fmt.Sprintf("preview page of %s: %v", provider, err))
	}
	pv.Status = page.status
	pv.see(page)
	if page.status != http.StatusOK {
		return fail(fmt.Sprintf("preview page %s of %s: HTTP %d", location, provider, page.status))
	}
	if err := sleep(ctx, j.previewWait()); err != nil {
		return fail(fmt.Sprintf("preview at %s: %v", provider, err))
	}
	if pv.Decision == PreviewIgnore {
		if last, err := r.browse(ctx, http.MethodGet, location, nil); err == nil {
			pv.Status = last.status
			pv.see(last)
		}
		if pv.Ended == "" {
			pv.Ended = EndedUndecided
		}
		rec.step(StepPreview, StatusOK, provider, fmt.Sprintf("page seen, no decision for %s", j.previewWait()), start)
		return true
	}
	for range maxPreviewPages {
		f := findForm(page.body)
		if f == nil || (!f.has(fieldDecision) && !f.has(fieldIdentifier)) {
			return fail(fmt.Sprintf("the preview page %s of %s has no form with a %s or %s field", page.url, provider, fieldDecision, fieldIdentifier))
		}
		values := f.values()
		if f.has(fieldIdentifier) {
			pv.Reauth = true
			values.Set(fieldIdentifier, j.reauthIdentifier())
		}
		decided := f.has(fieldDecision)
		if decided {
			values.Set(fieldDecision, pv.Decision)
		}
		target, err := page.url.Parse(f.action)
		if err != nil {
			return fail(fmt.Sprintf("the preview form of %s posts to %q: %v", provider, f.action, err))
		}
		if page, err = r.browse(ctx, http.MethodPost, target.String(), values); err != nil {
			return fail(fmt.Sprintf("preview form of %s: %v", provider, err))
		}
		pv.Status = page.status
		pv.see(page)
		if page.status/100 != 2 {
			rec.step(StepPreview, StatusError, provider, fmt.Sprintf("the page refused the form: HTTP %d", page.status), start)
			return true
		}
		if decided {
			if pageState(page.body) == "" {
				pv.Ended = endedBy(pv.Decision)
			}
			rec.step(StepPreview, StatusOK, provider, "decision "+pv.Decision+" posted", start)
			return true
		}
	}
	rec.step(StepPreview, StatusError, provider, fmt.Sprintf("no decision form after %d pages", maxPreviewPages), start)
	return true
}

// page is a loaded page.
type page struct {
	url    *url.URL
	status int
	body   string
}

// see notes what a page showed: the state of the preview, if the page
// says it, and whether it rendered the evidence.
func (pv *Preview) see(p *page) {
	if st := pageState(p.body); st != "" {
		pv.Ended = st
	}
	if showsRendering(p.body) {
		pv.Rendering = true
	}
}

// pageStates map the states a preview page declares (the data-state of
// its main element, as the simulated provider writes it) to how the
// preview ended.
var pageStates = map[string]string{
	"pending":               EndedUndecided,
	"confirmed":             EndedConfirmed,
	"refused":               EndedRefused,
	"expired":               EndedTimeout,
	"authentication-failed": EndedAuthFailed,
}

var mainPattern = regexp.MustCompile(`(?is)<main\b([^>]*)>`)

// pageState is how the preview stands by the page's own account, or ""
// when the page does not say.
func pageState(body string) string {
	m := mainPattern.FindStringSubmatch(body)
	if m == nil {
		return ""
	}
	return pageStates[strings.ToLower(strings.TrimSpace(parseAttrs(m[1])["data-state"]))]
}

// endedBy is how a preview ended when the page accepted the user's
// decision without saying more.
func endedBy(decision string) string {
	switch decision {
	case PreviewConfirm:
		return EndedConfirmed
	case PreviewRefuse:
		return EndedRefused
	}
	return ""
}

// renderingMarker marks, on the simulated provider's preview page, the
// evidence rendered for people.
const renderingMarker = `data-rendering="evidence"`

// showsRendering tells whether the page shows the evidence rendered for
// people.
func showsRendering(body string) bool {
	return strings.Contains(body, renderingMarker)
}

// browse loads a page, or posts a form (values) to it; redirects are
// followed as the HTTP client does.
func (r *Requester) browse(ctx context.Context, method, target string, values url.Values) (*page, error) {
	var body io.Reader
	if values != nil {
		body = strings.NewReader(values.Encode())
	}
	req, err := http.NewRequestWithContext(ctx, method, target, body)
	if err != nil {
		return nil, err
	}
	if values != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	req.Header.Set("Accept", "text/html")
	res, err := r.httpClient().Do(req)
	if err != nil {
		return nil, err
	}
	defer func() { _ = res.Body.Close() }()
	data, err := io.ReadAll(io.LimitReader(res.Body, maxPageBytes))
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", target, err)
	}
	return &page{url: res.Request.URL, status: res.StatusCode, body: string(data)}, nil
}

// form is an HTML form as far as the simulated user needs it: where it
// posts and its named fields with their preset values.
type form struct {
	action string
	fields []field
}

type field struct {
	name, value, typ string
}

func (f *form) has(name string) bool {
	for _, x := range f.fields {
		if x.name == name {
			return true
		}
	}
	return false
}

// values are the fields a browser would send before the user types: the
// preset values (hidden nonce, text defaults), never the submit buttons,
// which count only when clicked.
func (f *form) values() url.Values {
	v := url.Values{}
	for _, x := range f.fields {
		switch x.typ {
		case "submit", "button", "image", "reset":
			continue
		case "checkbox", "radio":
			continue // only checked ones count; the decision is set apart
		}
		if x.name != fieldDecision && x.name != fieldIdentifier {
			v.Set(x.name, x.value)
		}
	}
	return v
}

var (
	formPattern  = regexp.MustCompile(`(?is)<form\b([^>]*)>(.*?)</form\s*>`)
	fieldPattern = regexp.MustCompile(`(?is)<(input|button|select|textarea)\b([^>]*)>`)
	attrPattern  = regexp.MustCompile(`(?s)([a-zA-Z_:][-a-zA-Z0-9_:.]*)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+)))?`)
)

// findForm is the first POST form of the page that asks for a decision or
// an identifier, else the first POST form; nil when there is none. Pages
// are the provider's own: a small tag scanner is enough, no full HTML
// parser is needed.
func findForm(body string) *form {
	var first *form
	for _, m := range formPattern.FindAllStringSubmatch(body, -1) {
		attrs := parseAttrs(m[1])
		if !strings.EqualFold(attrs["method"], "post") {
			continue
		}
		f := &form{action: attrs["action"]}
		for _, fm := range fieldPattern.FindAllStringSubmatch(m[2], -1) {
			fa := parseAttrs(fm[2])
			if fa["name"] == "" {
				continue
			}
			typ := strings.ToLower(fa["type"])
			if typ == "" && strings.EqualFold(fm[1], "button") {
				typ = "submit"
			}
			f.fields = append(f.fields, field{name: fa["name"], value: fa["value"], typ: typ})
		}
		if f.has(fieldDecision) || f.has(fieldIdentifier) {
			return f
		}
		if first == nil {
			first = f
		}
	}
	return first
}

// parseAttrs reads the attributes of a start tag, names in lower case,
// values unescaped.
func parseAttrs(s string) map[string]string {
	out := map[string]string{}
	for _, m := range attrPattern.FindAllStringSubmatch(s, -1) {
		name := strings.ToLower(m[1])
		if _, seen := out[name]; !seen {
			out[name] = html.UnescapeString(m[2] + m[3] + m[4])
		}
	}
	return out
}

// sleep waits d, or until the context ends.
func sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return context.Cause(ctx)
	}
}
