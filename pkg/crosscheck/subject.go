package crosscheck

import (
	"github.com/lestrrat-go/helium"
	"github.com/oots-tools/oots/pkg/report"
)

// subject is the person the request asks evidence about.
type subject struct {
	legal bool            // a legal person (LegalPerson slot) rather than a natural person
	el    *helium.Element // sdg:Person or sdg:LegalPerson of the request
}

// requestSubject reads the request's NaturalPerson or LegalPerson query slot.
// The AuthorizedRepresentative slot also holds an sdg:Person, which is why the
// lookup goes through the slot name.
func requestSubject(req *helium.Element) (subject, bool) {
	q := child(req, nsQuery, "Query")
	if el := descendant(slot(q, "NaturalPerson"), nsSDG, "Person"); el != nil {
		return subject{el: el}, true
	}
	if el := descendant(slot(q, "LegalPerson"), nsSDG, "LegalPerson"); el != nil {
		return subject{legal: true, el: el}, true
	}
	return subject{}, false
}

// idElement is the element whose value identifies a person of either kind.
func idElement(person *helium.Element, legal bool) *helium.Element {
	if legal {
		return child(person, nsSDG, "LegalPersonIdentifier")
	}
	return child(person, nsSDG, "Identifier")
}

// checkSubject: the evidence's IsAbout carries the minimum data set so the
// requester can confirm the evidence is about its user; an identifier that
// differs from the one the request sent means evidence about someone else.
// The date of birth is compared too, as a warning: it is a weaker key.
func checkSubject(p pair) []report.Finding {
	want, ok := requestSubject(p.req)
	if !ok {
		return nil
	}
	var out []report.Finding
	for _, ev := range p.evidences {
		out = append(out, compareSubject(want, child(ev, nsSDG, "IsAbout"))...)
	}
	return out
}

func compareSubject(want subject, about *helium.Element) []report.Finding {
	if about == nil {
		return nil
	}
	kind, other := "NaturalPerson", "LegalPerson"
	if want.legal {
		kind, other = other, kind
	}
	got := child(about, nsSDG, kind)
	if got == nil {
		if wrong := child(about, nsSDG, other); wrong != nil {
			return one(RuleSubject, report.SeverityError, wrong,
				"the evidence is about a %s but the request asked for evidence about a %s", other, kind)
		}
		return nil
	}
	out := compareIDs(want, got)
	if !want.legal {
		out = append(out, compareBirth(want.el, got)...)
	}
	return out
}

func compareIDs(want subject, got *helium.Element) []report.Finding {
	wantID := text(idElement(want.el, want.legal))
	gotEl := idElement(got, want.legal)
	gotID := text(gotEl)
	if wantID == "" || gotID == "" || gotID == wantID {
		return nil
	}
	return one(RuleSubject, report.SeverityError, gotEl,
		"the evidence is about %s %s, but the request asked for evidence about %s",
		gotEl.LocalName(), gotID, wantID)
}

func compareBirth(want, got *helium.Element) []report.Finding {
	w := text(child(want, nsSDG, "DateOfBirth"))
	gotEl := child(got, nsSDG, "DateOfBirth")
	g := text(gotEl)
	if w == "" || g == "" || w == g {
		return nil
	}
	return one(RuleSubjectBirth, report.SeverityWarning, gotEl,
		"the evidence subject's DateOfBirth %s does not match the request's DateOfBirth %s", g, w)
}
