"""The write-up import's faster Viterbi search tags exactly as jieba's own."""

import random
import re
from pathlib import Path

import jieba.posseg
from jieba.posseg.viterbi import viterbi as jieba_viterbi

from tours.writeups import nlp, posseg

CORPUS = Path(__file__).resolve().parent / "corpus"


def _search(viterbi, text):
    model = (jieba.posseg.char_state_tab_P, jieba.posseg.start_P, jieba.posseg.trans_P)
    return viterbi(text, *model, jieba.posseg.emit_P)


def test_every_character_run_of_the_corpus_gets_jiebas_route_and_score():
    text = "".join(path.read_text(encoding="utf-8") for path in sorted(CORPUS.glob("*.txt")))
    runs = set(re.findall(r"[\u4e00-\u9fff]{1,12}", text))
    characters = sorted(set("".join(runs)))
    rng = random.Random(16)
    runs |= {"".join(rng.choices(characters, k=rng.randint(1, 16))) for _ in range(300)}
    for run in sorted(runs):
        assert _search(posseg.viterbi, run) == _search(jieba_viterbi, run), run


def test_the_write_up_tokenizer_segments_as_jiebas_posseg_does():
    ours = nlp.tokenizer()
    theirs = jieba.posseg.POSTokenizer(ours.tokenizer)
    theirs.word_tag_tab = ours.word_tag_tab
    sentence = "泗阳县委书记钟晓鸣带队赴浙江安吉考察余村，学习“两山”理念转化路径，又到郝家埭村。"
    assert isinstance(ours, posseg.POSTokenizer)
    words = [(p.word, p.flag) for p in ours.cut(sentence)]
    assert words == [(p.word, p.flag) for p in theirs.cut(sentence)]
