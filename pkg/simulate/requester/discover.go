package requester

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/oots-tools/oots/pkg/catalog"
	"github.com/oots-tools/oots/pkg/edm"
	"github.com/oots-tools/oots/pkg/regrep"
)

// codeAdditionalInput is the DSD error that asks the user for more
// attributes before it can name the provider.
const codeAdditionalInput = "DSD:ERR:0005"

// maxDialogueRounds bounds the DSD:ERR:0005 dialogue of one evidence type:
// a directory may ask for a jurisdiction, then for a classification value.
const maxDialogueRounds = 3

// Names of the Common Services in results.
const (
	serviceEB  = "EB"
	serviceDSD = "DSD"
)

// plan is what the Common Services said: the requirement and, for each
// evidence type, the access services to ask.
type plan struct {
	requirement   edm.Requirement
	evidenceTypes []string
	targets       []target
}

// target is one evidence request to send: an evidence type at one access
// service, with the classification values the user gave the DSD.
type target struct {
	service         *catalog.DataService
	access          catalog.AccessService
	classifications []edm.ProviderClassification
}

// discover asks the EB and the DSD what to request from whom. It returns
// nil when the journey cannot go on; rec then says why.
func (r *Requester) discover(ctx context.Context, rec *record, j *Journey) *plan {
	req, ok := r.requirement(ctx, rec, j)
	if !ok {
		return nil
	}
	types, ok := r.evidenceTypes(ctx, rec, j, req.Identifier)
	if !ok {
		return nil
	}
	p := &plan{requirement: req, evidenceTypes: types}
	for _, cls := range types {
		targets, ok := r.providers(ctx, rec, j, cls)
		if !ok {
			// The evidence types of a list are needed together: without a
			// provider for one of them, the requirement cannot be met.
			return p
		}
		p.targets = append(p.targets, targets...)
	}
	return p
}

// requirement runs the EB requirements query and picks the requirement.
func (r *Requester) requirement(ctx context.Context, rec *record, j *Journey) (edm.Requirement, bool) {
	start := time.Now()
	a, ok := r.ask(ctx, rec, StepRequirements, serviceEB, r.cfg.EB, regrep.RequirementsQuery(j.Procedure, j.Country))
	if !ok || a.refused(rec, StepRequirements, "", start) {
		return edm.Requirement{}, false
	}
	found, err := pickRequirement(a.catalog, j)
	if err != nil {
		rec.step(StepRequirements, StatusFailed, "", err.Error(), start)
		rec.fail(err.Error())
		return edm.Requirement{}, false
	}
	req := edm.Requirement{Identifier: found.ID, Names: texts(found.Names)}
	rec.step(StepRequirements, StatusOK, "", fmt.Sprintf("%s (%s)", found.ID, found.Names.Best()), start)
	return req, true
}

// pickRequirement is the journey's requirement, or the first one the EB
// lists for the procedure in the country (all listed ones when the answer
// names no reference framework for them).
func pickRequirement(c *catalog.Catalog, j *Journey) (*catalog.Requirement, error) {
	var candidates []*catalog.Requirement
	if matches, err := c.RequirementsFor(j.Procedure, j.Country); err == nil {
		for _, m := range matches {
			candidates = append(candidates, m.Requirement)
		}
	}
	if len(candidates) == 0 {
		candidates = c.Requirements
	}
	if len(candidates) == 0 {
		return nil, fmt.Errorf("the EB lists no requirement for procedure %s in %s", j.Procedure, j.Country)
	}
	if j.Requirement == "" {
		return candidates[0], nil
	}
	var ids []string
	for _, q := range candidates {
		if q.ID == j.Requirement || strings.HasSuffix(q.ID, "/"+j.Requirement) {
			return q, nil
		}
		ids = append(ids, q.ID)
	}
	return nil, fmt.Errorf("requirement %s is not among those the EB lists for procedure %s in %s (%s)",
		j.Requirement, j.Procedure, j.Country, strings.Join(ids, ", "))
}

// evidenceTypes runs the EB evidence types query and chooses the evidence
// types to request: the journey's, or the first AND-list for the country.
func (r *Requester) evidenceTypes(ctx context.Context, rec *record, j *Journey, requirementID string) ([]string, bool) {
	start := time.Now()
	q := regrep.EvidenceTypesQuery(requirementID, j.Country)
	if isNUTS(j.Jurisdiction) {
		// The EB declares evidence type lists by country or NUTS region: a
		// LAU code only matters to the DSD, which asks for it.
		q.Params = append(q.Params, jurisdictionParams(j.Jurisdiction, "")...)
	}
	a, ok := r.ask(ctx, rec, StepEvidenceTypes, serviceEB, r.cfg.EB, q)
	if !ok || a.refused(rec, StepEvidenceTypes, "", start) {
		return nil, false
	}
	types, err := pickEvidenceTypes(a.catalog, requirementID, j)
	if err != nil {
		rec.step(StepEvidenceTypes, StatusFailed, "", err.Error(), start)
		rec.fail(err.Error())
		return nil, false
	}
	rec.step(StepEvidenceTypes, StatusOK, "", strings.Join(types, ", "), start)
	return types, true
}

func pickEvidenceTypes(c *catalog.Catalog, requirementID string, j *Journey) ([]string, error) {
	if len(j.EvidenceTypes) > 0 {
		return resolveEvidenceTypes(c, j.EvidenceTypes)
	}
	_, alts, err := c.EvidenceTypesFor(requirementID, j.Country, j.Jurisdiction)
	if err == nil && len(alts) == 0 && j.Jurisdiction != "" {
		// The EB was given the jurisdiction and narrowed its answer already;
		// a LAU code (digits only) does not name its country, so the
		// catalogue cannot tell that a country-wide list covers it.
		_, alts, err = c.EvidenceTypesFor(requirementID, j.Country, "")
	}
	if err != nil || len(alts) == 0 {
		where := j.Country
		if j.Jurisdiction != "" {
			where += " (" + j.Jurisdiction + ")"
		}
		return nil, fmt.Errorf("the EB gives no evidence type list for requirement %s in %s", requirementID, where)
	}
	var out []string
	for _, et := range alts[0].EvidenceTypes {
		out = append(out, et.Classification)
	}
	return out, nil
}

// resolveEvidenceTypes completes last URI segments from the EB answer; full
// classification URIs are taken as given, so a tester can ask for an
// evidence type the EB does not list.
func resolveEvidenceTypes(c *catalog.Catalog, given []string) ([]string, error) {
	var out []string
	for _, g := range given {
		if found := findEvidenceType(c, g); found != "" {
			out = append(out, found)
			continue
		}
		if !strings.Contains(g, "/") {
			return nil, fmt.Errorf("evidence type %s is not in the EB's answer: give its full classification URI", g)
		}
		out = append(out, g)
	}
	return out, nil
}

func findEvidenceType(c *catalog.Catalog, cls string) string {
	for _, et := range c.EvidenceTypes {
		if et.Classification == cls || strings.HasSuffix(et.Classification, "/"+cls) {
			return et.Classification
		}
	}
	return ""
}

// providers runs the DSD query of one evidence type, answering a
// DSD:ERR:0005 dialogue from the journey.
func (r *Requester) providers(ctx context.Context, rec *record, j *Journey, cls string) ([]target, bool) {
	var extra []regrep.Param
	var given []edm.ProviderClassification
	asked := map[string]bool{}
	for range maxDialogueRounds + 1 {
		start := time.Now()
		a, ok := r.ask(ctx, rec, StepDSD, serviceDSD, r.cfg.DSD, regrep.DataServicesQuery(cls, j.Country, extra...))
		if !ok {
			return nil, false
		}
		if a.exception == nil {
			return targetsOf(rec, a.catalog, cls, given, start)
		}
		if a.exception.Code != codeAdditionalInput {
			a.refused(rec, StepDSD, cls, start)
			return nil, false
		}
		d, err := answerDialogue(a.catalog, j, asked)
		if err != nil {
			msg := fmt.Sprintf("%s for %s: %v", codeAdditionalInput, cls, err)
			rec.step(StepDSD, StatusFailed, "", msg, start)
			rec.fail(msg)
			return nil, false
		}
		extra = append(extra, d.params...)
		given = append(given, d.classifications...)
		rec.step(StepDSD, StatusOK, "", fmt.Sprintf("%s asks for %s; answered %s", codeAdditionalInput, d.questions, d.answers), start)
	}
	msg := fmt.Sprintf("the DSD still asks for more attributes for %s after %d answers", cls, maxDialogueRounds)
	rec.fail(msg)
	return nil, false
}

// targetsOf lists the access services of a DSD answer for the evidence type.
func targetsOf(rec *record, c *catalog.Catalog, cls string, given []edm.ProviderClassification, start time.Time) ([]target, bool) {
	var out []target
	var names []string
	for _, ds := range c.DataServices {
		if ds.Classification != cls {
			continue
		}
		for _, a := range ds.AccessServices {
			out = append(out, target{service: ds, access: a, classifications: given})
			names = append(names, fmt.Sprintf("%s at %s", a.Provider.ID, a.ID))
		}
	}
	if len(out) == 0 {
		msg := "the DSD names no access service for " + cls
		rec.step(StepDSD, StatusFailed, "", msg, start)
		rec.fail(msg)
		return nil, false
	}
	rec.step(StepDSD, StatusOK, "", strings.Join(names, ", "), start)
	return out, true
}

// dialogue is the user's answer to a DSD:ERR:0005 question.
type dialogue struct {
	questions, answers string
	params             []regrep.Param
	classifications    []edm.ProviderClassification
}

// answerDialogue answers what a DSD:ERR:0005 asks for from the journey: the
// jurisdiction from Jurisdiction (or the attribute named by the context
// id), classification concepts from Attributes. A question without an
// answer, or asked again after it was answered, is an error naming it.
func answerDialogue(c *catalog.Catalog, j *Journey, asked map[string]bool) (*dialogue, error) {
	d := &dialogue{}
	var questions, answers, missing, again []string
	for _, ds := range c.DataServices {
		if jd := ds.JurisdictionDetermination; jd != nil {
			q := jurisdictionQuestion(jd)
			questions = append(questions, q)
			value := j.Jurisdiction
			if v, ok := j.Attributes[jd.ContextID]; ok && jd.ContextID != "" {
				value = v
			}
			switch {
			case value == "":
				missing = append(missing, q+": give jurisdiction (a NUTS or LAU code)")
			case asked["jurisdiction"]:
				again = append(again, q)
			default:
				asked["jurisdiction"] = true
				answers = append(answers, "jurisdiction="+value)
				d.params = append(d.params, jurisdictionParams(value, jd.Level)...)
				if jd.ContextID != "" {
					d.params = append(d.params, regrep.Param{Name: regrep.ParamJurisdictionContextID, Value: jd.ContextID})
				}
			}
		}
		for _, cc := range ds.ProviderClassifications {
			q := conceptQuestion(cc)
			questions = append(questions, q)
			value, ok := j.Attributes[cc.ID]
			switch {
			case !ok || value == "":
				missing = append(missing, fmt.Sprintf("%s: give attributes[%s]", q, cc.ID))
			case asked[cc.ID]:
				again = append(again, q)
			default:
				asked[cc.ID] = true
				answers = append(answers, cc.ID+"="+value)
				d.params = append(d.params, regrep.Param{Name: cc.ID, Value: value})
				d.classifications = append(d.classifications, edm.ProviderClassification{
					Identifier: cc.ID, Type: cc.Type, ValueExpression: cc.ValueExpression,
					Descriptions: texts(cc.Descriptions), Values: []string{value}})
			}
		}
	}
	switch {
	case len(missing) > 0:
		return nil, fmt.Errorf("the DSD asks for %s", strings.Join(missing, "; "))
	case len(again) > 0:
		return nil, fmt.Errorf("the DSD asks again for %s, already given", strings.Join(again, "; "))
	case len(questions) == 0:
		return nil, errors.New("the DSD asks for more attributes but names none")
	}
	d.questions, d.answers = strings.Join(questions, "; "), strings.Join(answers, ", ")
	return d, nil
}

func jurisdictionQuestion(jd *catalog.JurisdictionDetermination) string {
	q := jd.Context.Best()
	if q == "" {
		q = "the jurisdiction"
	}
	if jd.Level != "" {
		q += " (" + jd.Level + ")"
	}
	return q
}

func conceptQuestion(cc catalog.Concept) string {
	q := cc.Descriptions.Best()
	if q == "" {
		q = cc.ID
	}
	if len(cc.SupportedValues) > 0 {
		q += " (one of " + strings.Join(cc.SupportedValues, ", ") + ")"
	}
	return q
}

// jurisdictionParams are the query parameters of a place: a NUTS region is
// jurisdiction-admin-l2, a LAU code jurisdiction-admin-l3. The level the
// DSD asked for decides; without one, NUTS codes start with the country's
// letters and LAU codes are digits.
func jurisdictionParams(code, level string) []regrep.Param {
	if code == "" {
		return nil
	}
	name := regrep.ParamJurisdictionAdminL2
	switch lvl := strings.ToUpper(level); {
	case strings.HasPrefix(lvl, "LAU"):
		name = regrep.ParamJurisdictionAdminL3
	case strings.HasPrefix(lvl, "NUTS"):
	case !isNUTS(code):
		name = regrep.ParamJurisdictionAdminL3
	}
	return []regrep.Param{{Name: name, Value: code}}
}

// isNUTS tells a NUTS code (country letters first) from a LAU code (digits).
func isNUTS(code string) bool {
	return code != "" && (code[0] < '0' || code[0] > '9')
}

// texts turns catalogue texts into EDM texts, in language order.
func texts(t catalog.Texts) []edm.Text {
	langs := make([]string, 0, len(t))
	for l := range t {
		langs = append(langs, l)
	}
	sort.Strings(langs)
	var out []edm.Text
	for _, l := range langs {
		if l != "" && t[l] != "" {
			out = append(out, edm.Text{Lang: l, Text: t[l]})
		}
	}
	return out
}
