package as4

import (
	"bytes"
	"time"

	"github.com/oots-tools/oots/pkg/xmlwrite"
)

// timestampLayout is the ebMS timestamp form the OOTS access points send:
// UTC with milliseconds.
const timestampLayout = "2006-01-02T15:04:05.000Z"

func stamp(t time.Time) string { return t.UTC().Format(timestampLayout) }

// Messaging is the eb:Messaging header for one user message and/or signals,
// as a node for an envelope (soap:mustUnderstand set) or a standalone document.
func messagingNode(user *UserMessage, signals []SignalMessage, inEnvelope bool) *xmlwrite.Node {
	n := xmlwrite.El("eb:Messaging")
	if inEnvelope {
		n.Attr("soap:mustUnderstand", "true")
	}
	for i := range signals {
		n.Add(signalNode(&signals[i]))
	}
	if user != nil {
		n.Add(userNode(user))
	}
	return n
}

func userNode(m *UserMessage) *xmlwrite.Node {
	mpc := m.MPC
	if mpc == "" {
		mpc = DefaultMPC
	}
	return xmlwrite.El("eb:UserMessage",
		messageInfo(m.Timestamp, m.MessageID, m.RefToMessageID),
		xmlwrite.El("eb:PartyInfo",
			partyNode("eb:From", m.From),
			partyNode("eb:To", m.To)),
		collaboration(m),
		propertiesNode("eb:MessageProperties", m.Properties),
		payloadInfo(m.Parts),
	).Attr("mpc", mpc)
}

func messageInfo(ts time.Time, id, ref string) *xmlwrite.Node {
	return xmlwrite.El("eb:MessageInfo",
		xmlwrite.TextEl("eb:Timestamp", stamp(ts)),
		xmlwrite.TextEl("eb:MessageId", id),
		xmlwrite.TextEl("eb:RefToMessageId", ref))
}

func partyNode(name string, p Party) *xmlwrite.Node {
	id := xmlwrite.TextEl("eb:PartyId", p.ID)
	if id != nil {
		id.Attr("type", p.IDType)
	}
	return xmlwrite.El(name, id, xmlwrite.TextEl("eb:Role", p.Role))
}

func collaboration(m *UserMessage) *xmlwrite.Node {
	var agreement *xmlwrite.Node
	if m.AgreementRef != "" {
		agreement = xmlwrite.TextEl("eb:AgreementRef", m.AgreementRef)
	}
	service := xmlwrite.TextEl("eb:Service", m.Service)
	if service != nil {
		service.Attr("type", m.ServiceType)
	}
	return xmlwrite.El("eb:CollaborationInfo",
		agreement,
		service,
		xmlwrite.TextEl("eb:Action", m.Action),
		xmlwrite.TextEl("eb:ConversationId", m.ConversationID))
}

func propertiesNode(name string, props []Property) *xmlwrite.Node {
	if len(props) == 0 {
		return nil
	}
	n := xmlwrite.El(name)
	for _, p := range props {
		prop := xmlwrite.TextEl("eb:Property", p.Value)
		if prop == nil {
			continue
		}
		n.Add(prop.Attr("name", p.Name).Attr("type", p.Type))
	}
	return n
}

func payloadInfo(parts []PartInfo) *xmlwrite.Node {
	if len(parts) == 0 {
		return nil
	}
	n := xmlwrite.El("eb:PayloadInfo")
	for _, p := range parts {
		n.Add(xmlwrite.El("eb:PartInfo", propertiesNode("eb:PartProperties", p.Properties)).Attr("href", p.Href))
	}
	return n
}

func signalNode(s *SignalMessage) *xmlwrite.Node {
	n := xmlwrite.El("eb:SignalMessage", messageInfo(s.Timestamp, s.MessageID, s.RefToMessageID))
	if s.Receipt != nil {
		n.Add(receiptNode(s.Receipt))
	}
	for _, e := range s.Errors {
		n.Add(xmlwrite.El("eb:Error",
			xmlwrite.TextEl("eb:Description", e.Description, xmlwrite.Attr{Name: "xml:lang", Value: "en"}),
			xmlwrite.TextEl("eb:ErrorDetail", e.Detail),
		).Attr("errorCode", e.Code).Attr("severity", e.Severity).Attr("shortDescription", e.ShortDesc).
			Attr("category", e.Category).Attr("origin", e.Origin).Attr("refToMessageInError", e.RefToMessageID))
	}
	return n
}

// HeaderXML serialises the eb:Messaging header of a user message on its own
// (the form of the OOTS header examples).
func HeaderXML(m *UserMessage) []byte {
	return xmlwrite.Document(messagingNode(m, nil, false), xmlwrite.Attr{Name: "xmlns:eb", Value: NSEbMS})
}

// EnvelopeXML is the SOAP 1.2 envelope carrying the eb:Messaging header of a
// user message and/or signal messages; the body stays empty, as AS4 puts
// payloads in MIME parts.
func EnvelopeXML(user *UserMessage, signals ...SignalMessage) []byte {
	var b bytes.Buffer
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n")
	env := xmlwrite.El("soap:Envelope",
		xmlwrite.El("soap:Header", messagingNode(user, signals, true)),
		xmlwrite.El("soap:Body"))
	xmlwrite.WriteIndented(&b, env,
		xmlwrite.Attr{Name: "xmlns:soap", Value: NSSOAP12},
		xmlwrite.Attr{Name: "xmlns:eb", Value: NSEbMS})
	return b.Bytes()
}

// receiptNode writes the non-repudiation information of a receipt: one
// ds:Reference per part received, with the digest of the bytes received.
func receiptNode(r *Receipt) *xmlwrite.Node {
	nri := xmlwrite.El("ebbp:NonRepudiationInformation").
		Attr("xmlns:ebbp", NSEbbp).Attr("xmlns:ds", NSDSig)
	for _, p := range r.Parts {
		nri.Add(xmlwrite.El("ebbp:MessagePartNRInformation",
			xmlwrite.El("ds:Reference",
				xmlwrite.El("ds:DigestMethod").Attr("Algorithm", DigestSHA256),
				xmlwrite.TextEl("ds:DigestValue", p.Digest),
			).Attr("URI", p.URI)))
	}
	return xmlwrite.El("eb:Receipt", nri)
}
