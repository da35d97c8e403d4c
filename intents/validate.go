package intents

// checkAcross runs the checks that need every file at once: intent ids are
// unique, no example belongs to two intents or appears twice in one, each
// message is defined in one file only, tests name existing intents,
// canned shortcuts are unique, and the brand and the questions of every
// escalation are given once.
func checkAcross(files []fileContent, probs *problems) {
	ids := checkIDs(files, probs)
	checkExamples(files, probs)
	checkMessages(files, probs)
	checkTests(files, ids, probs)
	checkCanned(files, probs)
	checkBrand(files, probs)
	checkGeneralCollect(files, probs)
}

// checkIDs reports repeated intent ids and returns where each id is first
// defined.
func checkIDs(files []fileContent, probs *problems) map[string]Pos {
	first := map[string]Pos{}
	for _, f := range files {
		for _, e := range f.intents {
			id := e.intent.ID
			if id == "" {
				continue // already reported as missing
			}
			if at, ok := first[id]; ok {
				probs.add(e.idPos, "duplicate intent id %q (first at %s)", id, at)
				continue
			}
			first[id] = e.idPos
		}
	}
	return first
}

// checkExamples reports an example, as compared by NormalizeExample, that
// was already given earlier: in another intent, where the matcher could not
// tell the two apart, or in the same one, where it only adds noise.
func checkExamples(files []fileContent, probs *problems) {
	type seen struct {
		entry *intentEntry
		pos   Pos
	}
	first := map[string]seen{}
	for _, f := range files {
		for _, e := range f.intents {
			for _, ex := range e.examples {
				key := NormalizeExample(ex.text)
				if key == "" {
					continue // already reported as empty
				}
				prev, ok := first[key]
				switch {
				case !ok:
					first[key] = seen{entry: e, pos: ex.pos}
				case prev.entry == e:
					probs.add(ex.pos, "example %q appears twice in intent %s (first at %s)",
						ex.text, quoteID(e.intent.ID), prev.pos)
				default:
					probs.add(ex.pos, "example %q is already an example of intent %s (first at %s)",
						ex.text, quoteID(prev.entry.intent.ID), prev.pos)
				}
			}
		}
	}
}

// checkMessages reports a shared message defined in more than one file:
// which one wins would depend on file names.
func checkMessages(files []fileContent, probs *problems) {
	first := map[string]Pos{}
	for _, f := range files {
		for _, m := range f.messages {
			if at, ok := first[m.name]; ok {
				probs.add(m.pos, "message %q is defined in two files (first at %s)", m.name, at)
				continue
			}
			first[m.name] = m.pos
		}
	}
}

// checkTests reports tests that expect an intent that does not exist.
func checkTests(files []fileContent, ids map[string]Pos, probs *problems) {
	ins := map[string]*Intent{}
	var general []Question
	for _, f := range files {
		for _, e := range f.intents {
			if _, ok := ins[e.intent.ID]; !ok {
				ins[e.intent.ID] = e.intent
			}
		}
		if f.collect != nil && general == nil {
			general = f.collect.questions
		}
	}
	for _, f := range files {
		for _, t := range f.tests {
			checkTestScript(t, ins, general, probs)
			exp := t.test.Expect
			if exp == "" || exp == ExpectEscalate {
				continue
			}
			if _, ok := ids[exp]; !ok {
				probs.add(t.expectPos, "test expects unknown intent %q (want an intent id or %q)", exp, ExpectEscalate)
			}
		}
	}
}
