from course.models.embedded import corpus_text, embedded_vocab
from course.models.vocab import SPACE, SPECIAL_TOKENS, TYPE_BYTE, TYPE_NORMAL, TYPE_UNUSED, build_vocab


def test_vocab_has_specials_then_all_256_byte_tokens():
    vocab = embedded_vocab()
    assert vocab.tokens[: len(SPECIAL_TOKENS)] == SPECIAL_TOKENS
    byte_tokens = [t for t, k in zip(vocab.tokens, vocab.types) if k == TYPE_BYTE]
    assert byte_tokens == [f"<0x{b:02X}>" for b in range(256)]
    assert (vocab.bos_id, vocab.eos_id, vocab.unk_id) == (1, 2, 0)


def test_every_word_piece_is_reachable_by_merging_its_prefixes():
    vocab = embedded_vocab()
    pieces = {t for t, k in zip(vocab.tokens, vocab.types) if k == TYPE_NORMAL}
    words = [t for t in pieces if t.startswith(SPACE) and len(t) > 2]
    assert len(words) > 100
    for word in words:
        assert word[:-1] in pieces, f"{word!r} cannot be merged: {word[:-1]!r} missing"


def test_vocab_is_deterministic_unique_and_exactly_sized():
    first, second = build_vocab(corpus_text(), size=1024), build_vocab(corpus_text(), size=1024)
    assert first == second
    assert len(first) == 1024
    assert len(set(first.tokens)) == 1024


def test_padding_adds_unused_tokens_only():
    vocab = build_vocab("open weights open weights", size=400)
    padded = vocab.padded(500)
    assert padded.tokens[:400] == vocab.tokens
    assert set(padded.types[400:]) == {TYPE_UNUSED}
    assert len(set(padded.tokens)) == 500  # llama.cpp aborts the process on a duplicate token
