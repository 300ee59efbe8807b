package as4

import (
	"bytes"
	"time"
)

// timestampLayout is the ebMS timestamp form the OOTS access points send:
// UTC with milliseconds.
const timestampLayout = "2006-01-02T15:04:05.000Z"

func stamp(t time.Time) string { return t.UTC().Format(timestampLayout) }

// messagingNode is the eb:Messaging header for one user message and/or
// signals, as a node for an envelope (soap:mustUnderstand set, and the
// wsu:Id a signature refers to when id is not empty) or a standalone document.
func messagingNode(user *UserMessage, signals []SignalMessage, inEnvelope bool, id string) *node {
	n := el("eb:Messaging")
	if inEnvelope {
		n.attr("soap:mustUnderstand", "true").attr("wsu:Id", id)
	}
	for i := range signals {
		n.add(signalNode(&signals[i]))
	}
	if user != nil {
		n.add(userNode(user))
	}
	return n
}

func userNode(m *UserMessage) *node {
	mpc := m.MPC
	if mpc == "" {
		mpc = DefaultMPC
	}
	return el("eb:UserMessage",
		messageInfo(m.Timestamp, m.MessageID, m.RefToMessageID),
		el("eb:PartyInfo",
			partyNode("eb:From", m.From),
			partyNode("eb:To", m.To)),
		collaboration(m),
		propertiesNode("eb:MessageProperties", m.Properties),
		payloadInfo(m.Parts),
	).attr("mpc", mpc)
}

func messageInfo(ts time.Time, id, ref string) *node {
	return el("eb:MessageInfo",
		textEl("eb:Timestamp", stamp(ts)),
		textEl("eb:MessageId", id),
		textEl("eb:RefToMessageId", ref))
}

func partyNode(name string, p Party) *node {
	return el(name, textEl("eb:PartyId", p.ID).attr("type", p.IDType), textEl("eb:Role", p.Role))
}

func collaboration(m *UserMessage) *node {
	return el("eb:CollaborationInfo",
		textEl("eb:AgreementRef", m.AgreementRef),
		textEl("eb:Service", m.Service).attr("type", m.ServiceType),
		textEl("eb:Action", m.Action),
		textEl("eb:ConversationId", m.ConversationID))
}

func propertiesNode(name string, props []Property) *node {
	if len(props) == 0 {
		return nil
	}
	n := el(name)
	for _, p := range props {
		n.add(textEl("eb:Property", p.Value).attr("name", p.Name).attr("type", p.Type))
	}
	return n
}

func payloadInfo(parts []PartInfo) *node {
	if len(parts) == 0 {
		return nil
	}
	n := el("eb:PayloadInfo")
	for _, p := range parts {
		n.add(el("eb:PartInfo", propertiesNode("eb:PartProperties", p.Properties)).attr("href", p.Href))
	}
	return n
}

func signalNode(s *SignalMessage) *node {
	n := el("eb:SignalMessage", messageInfo(s.Timestamp, s.MessageID, s.RefToMessageID))
	if s.Receipt != nil {
		n.add(receiptNode(s.Receipt))
	}
	for _, e := range s.Errors {
		n.add(el("eb:Error",
			textEl("eb:Description", e.Description).attr("xml:lang", "en"),
			textEl("eb:ErrorDetail", e.Detail),
		).attr("errorCode", e.Code).attr("severity", e.Severity).attr("shortDescription", e.ShortDesc).
			attr("category", e.Category).attr("origin", e.Origin).attr("refToMessageInError", e.RefToMessageID))
	}
	return n
}

// receiptNode writes the non-repudiation information of a receipt: one
// ds:Reference per part received — for a signed message, a copy of each
// Reference of its signature.
func receiptNode(r *Receipt) *node {
	nri := el("ebbp:NonRepudiationInformation")
	for _, p := range r.Parts {
		method := p.DigestMethod
		if method == "" {
			method = DigestSHA256
		}
		nri.add(el("ebbp:MessagePartNRInformation",
			el("ds:Reference",
				transformsNode(p.Transforms),
				el("ds:DigestMethod").attr("Algorithm", method),
				textEl("ds:DigestValue", p.Digest),
			).attr("URI", p.URI)))
	}
	return el("eb:Receipt", nri)
}

func transformsNode(algorithms []string) *node {
	if len(algorithms) == 0 {
		return nil
	}
	n := el("ds:Transforms")
	for _, a := range algorithms {
		n.add(el("ds:Transform").attr("Algorithm", a))
	}
	return n
}

// HeaderXML serialises the eb:Messaging header of a user message on its own
// (the form of the OOTS header examples).
func HeaderXML(m *UserMessage) []byte {
	var b bytes.Buffer
	b.WriteString(xmlDeclaration)
	b.Write(canonical(messagingNode(m, nil, false, ""), 0))
	b.WriteByte('\n')
	return b.Bytes()
}

const xmlDeclaration = `<?xml version="1.0" encoding="UTF-8"?>` + "\n"

// EnvelopeXML is the SOAP 1.2 envelope carrying the eb:Messaging header of a
// user message and/or signal messages; the body stays empty, as AS4 puts
// payloads in MIME parts. It is not signed: Security.Encode signs.
func EnvelopeXML(user *UserMessage, signals ...SignalMessage) []byte {
	return assembleEnvelope(nil, canonical(messagingNode(user, signals, true, ""), 1), canonical(el("soap:Body"), 0))
}

// assembleEnvelope puts the header blocks and the body (each already
// written with its own namespace declarations) into a SOAP 1.2 envelope.
func assembleEnvelope(security, messaging, body []byte) []byte {
	var b bytes.Buffer
	b.Grow(len(security) + len(messaging) + len(body) + 256)
	b.WriteString(xmlDeclaration)
	b.WriteString(`<soap:Envelope xmlns:soap="` + NSSOAP12 + `">` + "\n")
	b.WriteString("<soap:Header>\n  ")
	if security != nil {
		b.Write(security)
		b.WriteString("\n  ")
	}
	b.Write(messaging)
	b.WriteString("\n</soap:Header>\n")
	b.Write(body)
	b.WriteString("\n</soap:Envelope>\n")
	return b.Bytes()
}
