package as4

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/lestrrat-go/helium"
	"github.com/oots-tools/oots/pkg/xmldoc"
)

// Header is what a SOAP envelope (or a standalone eb:Messaging document)
// carries in its eb:Messaging header.
type Header struct {
	User    *UserMessage
	Signals []SignalMessage
}

// ErrNoMessaging means the document has no eb:Messaging header.
var ErrNoMessaging = errors.New("no eb:Messaging header")

// ParseHeader reads the eb:Messaging header of a SOAP 1.2 envelope or of a
// standalone eb:Messaging document, parsed with the hardened limits.
func ParseHeader(ctx context.Context, data []byte) (*Header, error) {
	h, _, err := parseEnvelope(ctx, data)
	return h, err
}

// parsedEnvelope keeps the tree of a received envelope, so that its
// signature is verified on the same parse the header was read from.
type parsedEnvelope struct {
	doc       *helium.Document
	envelope  *helium.Element // nil for a standalone eb:Messaging document
	header    *helium.Element
	messaging *helium.Element
	body      *helium.Element
}

func parseEnvelope(ctx context.Context, data []byte) (*Header, *parsedEnvelope, error) {
	doc, err := xmldoc.Parse(ctx, data, xmldoc.DefaultLimits)
	if err != nil {
		return nil, nil, err
	}
	root := doc.DocumentElement()
	p := &parsedEnvelope{doc: doc, messaging: root}
	if xmldoc.Is(root, NSSOAP12, "Envelope") {
		p.envelope = root
		p.header = xmldoc.Child(root, NSSOAP12, "Header")
		p.body = xmldoc.Child(root, NSSOAP12, "Body")
		all := xmldoc.Children(p.header, NSEbMS, "Messaging")
		if len(all) > 1 {
			return nil, nil, ErrInvalidHeader.With("", "more than one eb:Messaging header")
		}
		p.messaging = nil
		if len(all) == 1 {
			p.messaging = all[0]
		}
	}
	if !xmldoc.Is(p.messaging, NSEbMS, "Messaging") {
		return nil, nil, ErrNoMessaging
	}
	h, err := readMessaging(p.messaging)
	if err != nil {
		return nil, nil, err
	}
	return h, p, nil
}

func readMessaging(messaging *helium.Element) (*Header, error) {
	h := &Header{}
	users := xmldoc.Children(messaging, NSEbMS, "UserMessage")
	if len(users) > 1 {
		return nil, ErrInvalidHeader.With("", "more than one eb:UserMessage in one message")
	}
	if len(users) == 1 {
		var err error
		if h.User, err = readUser(users[0]); err != nil {
			return nil, err
		}
	}
	for _, s := range xmldoc.Children(messaging, NSEbMS, "SignalMessage") {
		sig, err := readSignal(s)
		if err != nil {
			return nil, err
		}
		h.Signals = append(h.Signals, sig)
	}
	return h, nil
}

func readUser(e *helium.Element) (*UserMessage, error) {
	info := xmldoc.Child(e, NSEbMS, "MessageInfo")
	party := xmldoc.Child(e, NSEbMS, "PartyInfo")
	collab := xmldoc.Child(e, NSEbMS, "CollaborationInfo")
	service := xmldoc.Child(collab, NSEbMS, "Service")
	m := &UserMessage{
		MessageID:      text(info, "MessageId"),
		RefToMessageID: text(info, "RefToMessageId"),
		From:           readParty(xmldoc.Child(party, NSEbMS, "From")),
		To:             readParty(xmldoc.Child(party, NSEbMS, "To")),
		Service:        xmldoc.Text(service),
		ServiceType:    attr(service, "type"),
		Action:         text(collab, "Action"),
		ConversationID: text(collab, "ConversationId"),
		AgreementRef:   text(collab, "AgreementRef"),
		Properties:     readProperties(xmldoc.Child(e, NSEbMS, "MessageProperties")),
	}
	m.MPC = attr(e, "mpc")
	ts, err := readTimestamp(info)
	if err != nil {
		return nil, ErrInvalidHeader.With(m.MessageID, err.Error())
	}
	m.Timestamp = ts
	for _, p := range xmldoc.Children(xmldoc.Child(e, NSEbMS, "PayloadInfo"), NSEbMS, "PartInfo") {
		m.Parts = append(m.Parts, PartInfo{
			Href:       attr(p, "href"),
			Properties: readProperties(xmldoc.Child(p, NSEbMS, "PartProperties")),
		})
	}
	if err := m.Check(); err != nil {
		return nil, ErrInvalidHeader.With(m.MessageID, err.Error())
	}
	return m, nil
}

func readParty(e *helium.Element) Party {
	id := xmldoc.Child(e, NSEbMS, "PartyId")
	return Party{ID: xmldoc.Text(id), IDType: attr(id, "type"), Role: text(e, "Role")}
}

func readProperties(e *helium.Element) []Property {
	var props []Property
	for _, p := range xmldoc.Children(e, NSEbMS, "Property") {
		props = append(props, Property{Name: attr(p, "name"), Type: attr(p, "type"), Value: xmldoc.Text(p)})
	}
	return props
}

func readSignal(e *helium.Element) (SignalMessage, error) {
	info := xmldoc.Child(e, NSEbMS, "MessageInfo")
	s := SignalMessage{MessageID: text(info, "MessageId"), RefToMessageID: text(info, "RefToMessageId")}
	ts, err := readTimestamp(info)
	if err != nil {
		return s, ErrInvalidHeader.With(s.MessageID, err.Error())
	}
	s.Timestamp = ts
	if r := xmldoc.Child(e, NSEbMS, "Receipt"); r != nil {
		s.Receipt = &Receipt{}
		for _, ref := range xmldoc.Descendants(r, NSDSig, "Reference") {
			s.Receipt.Parts = append(s.Receipt.Parts, readReference(ref))
		}
	}
	for _, x := range xmldoc.Children(e, NSEbMS, "Error") {
		s.Errors = append(s.Errors, Error{
			Code: attr(x, "errorCode"), Severity: attr(x, "severity"), ShortDesc: attr(x, "shortDescription"),
			Category: attr(x, "category"), Origin: attr(x, "origin"), RefToMessageID: attr(x, "refToMessageInError"),
			Description: text(x, "Description"), Detail: text(x, "ErrorDetail"),
		})
	}
	if s.MessageID == "" {
		return s, ErrInvalidHeader.With("", "signal message without MessageId")
	}
	return s, nil
}

func readTimestamp(info *helium.Element) (time.Time, error) {
	v := text(info, "Timestamp")
	ts, err := time.Parse(time.RFC3339Nano, v)
	if err != nil {
		return time.Time{}, fmt.Errorf("eb:Timestamp %q is not an xs:dateTime with a time zone", v)
	}
	return ts, nil
}

func text(parent *helium.Element, local string) string {
	return xmldoc.Text(xmldoc.Child(parent, NSEbMS, local))
}

func text2(parent *helium.Element, ns, local string) string {
	return xmldoc.Text(xmldoc.Child(parent, ns, local))
}

// attr is the trimmed value of e's unqualified attribute name, or "".
func attr(e *helium.Element, name string) string {
	v, _ := xmldoc.Attr(e, name)
	return v
}

// readReference reads a ds:Reference of a receipt's non-repudiation information.
func readReference(ref *helium.Element) PartDigest {
	p := PartDigest{
		URI:          attr(ref, "URI"),
		Digest:       text2(ref, NSDSig, "DigestValue"),
		DigestMethod: attr(xmldoc.Child(ref, NSDSig, "DigestMethod"), "Algorithm"),
	}
	for _, t := range xmldoc.Children(xmldoc.Child(ref, NSDSig, "Transforms"), NSDSig, "Transform") {
		p.Transforms = append(p.Transforms, attr(t, "Algorithm"))
	}
	return p
}
