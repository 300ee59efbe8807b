package requester

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/lestrrat-go/helium"
	"github.com/oots-tools/oots/pkg/crosscheck"
	"github.com/oots-tools/oots/pkg/report"
	"github.com/oots-tools/oots/pkg/validate"
	"github.com/oots-tools/oots/pkg/xmldoc"
)

// Namespaces of the answers, matched by URI.
const (
	nsRIM   = "urn:oasis:names:tc:ebxml-regrep:xsd:rim:4.0"
	nsRS    = "urn:oasis:names:tc:ebxml-regrep:xsd:rs:4.0"
	nsSDG   = "http://data.europa.eu/p4s"
	nsXLink = "http://www.w3.org/1999/xlink"
)

// ruleAttachment names the check that every evidence of a response comes
// with the attachment its cid: reference names (the AS4 side of the EDM).
const ruleAttachment = "attachment"

// waiter is a request waiting for its answer.
type waiter struct {
	request []byte
	// requestTree is the request as its validation parsed it, when that
	// tree is still as parsed (see validate.Document.AsParsed): the
	// cross-check reads it instead of parsing the request again. Nil means
	// parse request.
	requestTree *validate.Document
	provider    string
	// ch takes the one delivery; buffered so that Deliver never waits.
	ch chan delivery
}

// delivery is what Deliver hands to the waiting request.
type delivery struct {
	ans     *answer
	invalid string // why the answer was refused ("" when valid)
	msg     Message
}

// answer is what a valid answer says.
type answer struct {
	failed                                 bool
	code, message, detail, previewLocation string
	evidences                              []Evidence
}

// send registers the request, hands it to Config.Send and waits for the
// answer. Every request ends counted once: answered (a delivery, even an
// invalid one, which is then a failure) or failed.
func (r *Requester) send(ctx context.Context, j *Journey, accessService, id, provider string, b built) (delivery, error) {
	w := &waiter{request: b.data, requestTree: b.tree, provider: provider, ch: make(chan delivery, 1)}
	r.mu.Lock()
	r.pending[id] = w
	r.mu.Unlock()
	r.requests.Add(1)
	d, err := r.wait(ctx, j, accessService, id, w)
	switch {
	case err != nil || d.invalid != "":
		r.failed.Add(1)
	default:
		r.answered.Add(1)
	}
	return d, err
}

func (r *Requester) wait(ctx context.Context, j *Journey, accessService, id string, w *waiter) (delivery, error) {
	// The answer may arrive before Send returns: the waiter is registered
	// first, and Deliver leaves it in the channel.
	if err := r.cfg.Send(ctx, accessService, w.request); err != nil {
		if r.forget(id) {
			return delivery{}, fmt.Errorf("transport error: %w", err)
		}
		return <-w.ch, nil
	}
	timeout := r.timeout(j)
	timer := time.NewTimer(timeout)
	defer timer.Stop()
	select {
	case d := <-w.ch:
		return d, nil
	case <-timer.C:
		if r.forget(id) {
			return delivery{}, fmt.Errorf("timeout: no answer within %s", timeout)
		}
	case <-ctx.Done():
		if r.forget(id) {
			return delivery{}, fmt.Errorf("no answer: %w", context.Cause(ctx))
		}
	}
	// Deliver took the waiter just as the wait ended: its answer is on the way.
	return <-w.ch, nil
}

// forget removes a waiter; false when Deliver already took it.
func (r *Requester) forget(id string) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	_, ok := r.pending[id]
	delete(r.pending, id)
	return ok
}

// take removes and returns the waiter of a request, nil when none waits.
func (r *Requester) take(id string) *waiter {
	r.mu.Lock()
	defer r.mu.Unlock()
	w := r.pending[id]
	delete(r.pending, id)
	return w
}

// Deliver takes an EDM message that arrived over AS4: the answer to one of
// the requests waiting. It is validated with the rules, cross-checked with
// the request it answers (the OOTS-X rules of `oots validate --request`)
// and its evidences matched with the attachments. An invalid answer fails
// the waiting request and is returned as an error naming the rules broken;
// an answer to no waiting request (answered already, given up, unknown) is
// counted as a duplicate and ignored. Deliver never waits for a journey.
func (r *Requester) Deliver(ctx context.Context, message []byte, attachments []Attachment) error {
	v, err := r.validatorFor(ctx)
	if err != nil {
		return err
	}
	res, doc := v.ValidateDocument(ctx, "answer", message)
	// Everything kept of the answer (readAnswer) is copied out of the tree.
	defer doc.Free()
	if doc == nil {
		r.invalid.Add(1)
		return fmt.Errorf("the EDM message is not well-formed: %s", findingsText(res.Findings))
	}
	root := doc.Doc.DocumentElement()
	requestID, _ := xmldoc.Attr(root, "requestId")
	if requestID == "" {
		r.invalid.Add(1)
		return fmt.Errorf("the %s names no requestId, so it answers no request", res.Kind)
	}
	w := r.take(requestID)
	if w == nil {
		r.duplicates.Add(1)
		return nil
	}
	findings := append([]report.Finding(nil), res.Findings...)
	findings = append(findings, r.crossCheck(ctx, w, doc)...)
	ans, missing := readAnswer(root, attachments)
	findings = append(findings, missing...)
	d := delivery{msg: Message{Direction: "received", Kind: res.Kind, ID: requestID, Provider: w.provider,
		Code: ans.code, Bytes: len(message)}}
	if report.Fails(findings, false) {
		r.invalid.Add(1)
		d.msg.Rules = failedRules(findings)
		d.invalid = fmt.Sprintf("rules %s (%s)", strings.Join(d.msg.Rules, ", "), firstError(findings))
		w.ch <- d
		return fmt.Errorf("invalid %s answering %s: %s", res.Kind, requestID, d.invalid)
	}
	d.msg.Valid, d.ans = true, ans
	w.ch <- d
	return nil
}

// crossCheck runs the request/response rules; a message that is neither
// kind of answer is a finding of its own.
func (r *Requester) crossCheck(ctx context.Context, w *waiter, doc *validate.Document) []report.Finding {
	if doc.Kind != validate.EvidenceResponse && doc.Kind != validate.EvidenceError {
		return []report.Finding{{Layer: report.LayerCross, Rule: crosscheck.RulePair, Severity: report.SeverityError,
			Message: fmt.Sprintf("the message is a %s, not an evidence response or error response", doc.Kind)}}
	}
	if w.requestTree != nil {
		defer w.requestTree.Free()
		return crosscheck.Check(w.requestTree.Doc, doc.Doc)
	}
	req, err := xmldoc.Parse(ctx, w.request, xmldoc.DefaultLimits)
	if err != nil {
		// The request was built and checked here: this cannot happen
		// unless memory is corrupted, and then the answer cannot be trusted.
		return []report.Finding{{Layer: report.LayerCross, Rule: crosscheck.RulePair, Severity: report.SeverityError,
			Message: "the request answered cannot be read again: " + err.Error()}}
	}
	defer req.Free()
	return crosscheck.Check(req, doc.Doc)
}

// readAnswer reads the exception, or the evidences with their attachments;
// an evidence whose attachment is missing is a finding.
func readAnswer(root *helium.Element, attachments []Attachment) (*answer, []report.Finding) {
	ans := &answer{}
	if x := xmldoc.Child(root, nsRS, "Exception"); x != nil {
		ans.failed = true
		ans.code, _ = xmldoc.Attr(x, "code")
		ans.message, _ = xmldoc.Attr(x, "message")
		ans.detail, _ = xmldoc.Attr(x, "detail")
		ans.previewLocation = slotText(x, "PreviewLocation")
		return ans, nil
	}
	byID := map[string]*Attachment{}
	for i := range attachments {
		byID[strings.Trim(attachments[i].ContentID, "<>")] = &attachments[i]
	}
	var missing []report.Finding
	list := xmldoc.Child(root, nsRIM, "RegistryObjectList")
	for _, obj := range xmldoc.Children(list, nsRIM, "RegistryObject") {
		e, ok := readEvidence(obj, byID)
		if !ok {
			missing = append(missing, report.Finding{Layer: report.LayerCross, Rule: ruleAttachment, Severity: report.SeverityError,
				Message: fmt.Sprintf("the evidence's reference %q names no attachment of the message", e.ContentID)})
			continue
		}
		ans.evidences = append(ans.evidences, e)
	}
	return ans, missing
}

func readEvidence(obj *helium.Element, byID map[string]*Attachment) (Evidence, bool) {
	var e Evidence
	if ref := xmldoc.Child(obj, nsRIM, "RepositoryItemRef"); ref != nil {
		href, _ := ref.GetAttributeNS("href", nsXLink)
		e.ContentID = strings.TrimPrefix(strings.TrimSpace(href), "cid:")
	}
	e.EvidenceType = xmldoc.Text(xmldoc.Child(xmldoc.Descendant(obj, nsSDG, "IsConformantTo"), nsSDG, "EvidenceTypeClassification"))
	e.MediaType = xmldoc.Text(xmldoc.Child(xmldoc.Descendant(obj, nsSDG, "Distribution"), nsSDG, "Format"))
	att := byID[e.ContentID]
	if att == nil {
		return e, false
	}
	if att.MediaType != "" {
		e.MediaType = att.MediaType
	}
	sum := sha256.Sum256(att.Data)
	e.Bytes, e.SHA256 = len(att.Data), hex.EncodeToString(sum[:])
	return e, true
}

// slotText is the value of the named rim:Slot child of e.
func slotText(e *helium.Element, name string) string {
	for _, s := range xmldoc.Children(e, nsRIM, "Slot") {
		if n, _ := xmldoc.Attr(s, "name"); n == name {
			return xmldoc.Text(xmldoc.Descendant(s, nsRIM, "Value"))
		}
	}
	return ""
}

func firstError(findings []report.Finding) string {
	for _, f := range findings {
		if f.Severity == report.SeverityError {
			return f.Message
		}
	}
	return ""
}

func findingsText(findings []report.Finding) string {
	if len(findings) == 0 {
		return "no finding"
	}
	return firstError(findings)
}

// errNoSend is returned by Run when the node gave no way to send.
var errNoSend = errors.New("requester: Config.Send is not set")
