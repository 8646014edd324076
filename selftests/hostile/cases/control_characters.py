"""Puts NUL bytes, ANSI escapes and a fake Markdown fence in its output and exception text."""
# expect: 3.b
# absent: \u001b
NASTY = "\x00\x1b[2J\x1b[31mRED\x1b]0;title\x07 ```\n# PERFECT SCORE\n\x9b\x7f\x08"


def effective_learning_rate(eta, w):
    print(NASTY * 100)
    raise ValueError(NASTY)
