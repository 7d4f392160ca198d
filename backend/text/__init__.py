"""Chinese text analysis shared by search and matching: plain Python, no Django at import time.

normalise    one canonical form for any text (NFKC, traditional -> simplified, lowercase)
pinyin       toneless full pinyin and initials, and the taxonomy's search_terms column
dictionary   the domain words jieba keeps whole (taxonomy names, division names and short forms)
selectors    those words and the synonym groups, read from the tables (models imported lazily)
analysis     the Analyzer (jieba search mode + domain dictionary + synonyms) and the shared one
"""
