"""jieba's part-of-speech tokenizer with a faster Viterbi search and the same results.

jieba (0.42) tags a run of characters its dictionary lacks with an HMM of 256 states
(B/M/E/S × part of speech). For each character and each state, its `posseg.viterbi`
weighs every live state of the character before, although a state has about twenty
possible predecessors (5,218 transitions in all). That loop was most of the time spent
on a write-up. `viterbi` below weighs only the possible predecessors. It gets the same
route because every other candidate scores -inf: all start, transition and emission
probabilities are finite. Where several candidates score the same, it breaks the tie
the same way (the larger state). It also adds the terms in the same order, so the
floats are the same bit for bit. tests/writeups/test_posseg.py compares the two.
"""

import jieba.posseg
from jieba.posseg.viterbi import MIN_FLOAT

_predecessor_tables = {}  # id(trans_p) → (trans_p, its predecessors)


def _predecessors(trans_p) -> dict:
    """For each state, the states that can precede it and the transition's log probability."""
    cached = _predecessor_tables.get(id(trans_p))
    if cached is None or cached[0] is not trans_p:
        table = {}
        for before, following in trans_p.items():
            for state, probability in following.items():
                table.setdefault(state, {})[before] = probability
        cached = _predecessor_tables[id(trans_p)] = (trans_p, table)
    return cached[1]


def viterbi(obs, states, start_p, trans_p, emit_p):
    """jieba.posseg.viterbi.viterbi's result, found faster (see the module's docstring)."""
    predecessors = _predecessors(trans_p)
    all_states = trans_p.keys()
    first = obs[0]
    scores = {
        y: start_p[y] + emit_p[y].get(first, MIN_FLOAT) for y in states.get(first, all_states)
    }
    mem_path = [dict.fromkeys(scores, "")]
    for char in obs[1:]:
        previous = scores
        expect_next = set()
        for x in previous:
            expect_next.update(trans_p[x])
        obs_states = set(states.get(char, all_states)) & expect_next
        if not obs_states:
            obs_states = expect_next or all_states
        scores, path = {}, {}
        for y in obs_states:
            emit = emit_p[y].get(char, MIN_FLOAT)
            before = predecessors.get(y, {})
            if len(before) < len(previous):
                pairs = [(x, p) for x, p in before.items() if x in previous]
            else:
                pairs = [(x, before[x]) for x in previous if x in before]
            scores[y], path[y] = max((previous[x] + p + emit, x) for x, p in pairs)
        mem_path.append(path)
    probability, state = max((scores[y], y) for y in mem_path[-1])
    route = [None] * len(obs)
    for i in range(len(obs) - 1, -1, -1):
        route[i] = state
        state = mem_path[i][state]
    return probability, route


class POSTokenizer(jieba.posseg.POSTokenizer):
    """jieba.posseg.POSTokenizer with the Viterbi search above."""

    def _POSTokenizer__cut(self, sentence):
        _, pos_list = viterbi(
            sentence,
            jieba.posseg.char_state_tab_P,
            jieba.posseg.start_P,
            jieba.posseg.trans_P,
            jieba.posseg.emit_P,
        )
        begin, nexti = 0, 0
        for i, char in enumerate(sentence):
            pos = pos_list[i][0]
            if pos == "B":
                begin = i
            elif pos == "E":
                yield jieba.posseg.pair(sentence[begin : i + 1], pos_list[i][1])
                nexti = i + 1
            elif pos == "S":
                yield jieba.posseg.pair(char, pos_list[i][1])
                nexti = i + 1
        if nexti < len(sentence):
            yield jieba.posseg.pair(sentence[nexti:], pos_list[nexti][1])
