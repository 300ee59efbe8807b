package requester

import (
	"context"
	"sync"
	"time"
)

// Run drives one journey to its end and returns what happened. The error
// is for a journey that cannot start (a missing field, no Send); everything
// that goes wrong on the way — refusals, timeouts, invalid messages — is in
// the Result, whose outcome is then error or failed.
//
// The EB and DSD queries run in turn; the evidence requests to the
// providers found run concurrently, and their steps are reported in the
// order of the evidence types and of the DSD's access services.
func (r *Requester) Run(ctx context.Context, j Journey) (*Result, error) {
	if err := j.check(); err != nil {
		return nil, err
	}
	if r.cfg.Send == nil {
		return nil, errNoSend
	}
	if _, err := r.validatorFor(ctx); err != nil {
		return nil, err
	}
	start := time.Now()
	rec := &record{}
	p := r.discover(ctx, rec, &j)
	if p != nil && len(rec.failures) == 0 && len(rec.errors) == 0 {
		parts := make([]*record, len(p.targets))
		var wg sync.WaitGroup
		for i, t := range p.targets {
			wg.Go(func() { parts[i] = r.exchange(ctx, &j, p, t) })
		}
		wg.Wait()
		for _, part := range parts {
			rec.merge(part)
		}
	}
	res := rec.result(&j, start)
	if p != nil {
		res.Requirement, res.EvidenceTypes = p.requirement.Identifier, p.evidenceTypes
	}
	return res, nil
}
