"""Word lists for name normalization: legal forms, generic words, Korean romanization variants.

Kept as data, apart from the code that applies them, so that a reviewer can check them at a glance.
"""

from __future__ import annotations

# Legal-form words and abbreviations (after transliteration to Latin, lower case, no punctuation).
# They say nothing about who a party is, so they are dropped before scoring.
LEGAL_FORMS = frozenset(
    ["llc", "ltd", "limited", "co", "corp", "inc", "incorporated", "plc", "gmbh", "ag", "sa", "sarl", "srl", "spa", "bv", "nv", "kg", "ohg", "ug", "oy", "ab", "as", "ooo", "oao", "zao", "pao", "ao", "pjsc", "ojsc", "cjsc", "jsc", "tov", "pp", "ip", "chp", "fzc", "fze", "fzco", "llp", "lp", "pte", "pty", "bhd", "sdn", "kk", "ltda", "eirl", "sas", "cie", "et", "ve", "tic", "sti", "obshchestvo", "ogranichennoy", "otvetstvennostyu", "aktsionernoe", "zakrutoe", "otkrutoe", "publichnoe"]
)

# Words too common to identify a party: they never make a match on their own and weigh little.
GENERIC = frozenset(
    ["korea", "korean", "koryo", "choson", "chosun", "joson", "dprk", "prk", "kp", "democratic", "people", "peoples", "republic", "north", "general", "trading", "trade", "traders", "corporation", "corporations", "company", "companies", "group", "firm", "enterprise", "enterprises", "bank", "banking", "international", "intl", "joint", "venture", "jv", "operation", "operations", "cooperation", "united", "associated", "association", "central", "committee", "foreign", "external", "overseas", "national", "state", "technology", "technologies", "technical", "machinery", "machine", "chemical", "chemicals", "mining", "mine", "development", "economic", "economics", "industrial", "industry", "industries", "import", "export", "imports", "exports", "commercial", "commerce", "holding", "holdings", "services", "service", "project", "projects", "construction", "building", "investment", "credit", "finance", "financial", "office", "bureau", "division", "department", "branch", "agency", "representative", "art", "studio", "sinyong", "sangsa", "muyok", "hoesa", "chongsa", "shipping", "logistics", "marine", "products", "global", "world", "new", "first", "oil", "energy", "petroleum", "steel", "metal", "metals", "electric", "electronics", "power"]
)

# Russian generic words as their English equivalents, so that Корея Рёнбон weighs like Korea Ryonbong.
TRANSLATIONS: dict[str, str] = {
    **dict.fromkeys(["koreya", "koreyskaya", "koreyskiy", "koreyskoe", "koreyskaa"], "korea"),
    **dict.fromkeys(["torgovaya", "torgovuy", "torgovoe"], "trading"),
    "korporatsiya": "corporation", "kompaniya": "company", "gruppa": "group",
    "generalnaya": "general", "mezhdunarodnaya": "international", "kndr": "dprk",
    "sovmestnoe": "joint", "predpriyatie": "venture", "vneshnetorgovuy": "foreign",
}  # fmt: skip

# Function words dropped everywhere.
STOPWORDS = frozenset(["of", "the", "and", "for", "und", "et", "de", "du", "des", "la", "le", "van", "von", "no", "nr", "s", "i"])

# Korean surnames written many ways: each variant -> one spelling (applied to whole tokens).
SURNAMES: dict[str, str] = {
    **dict.fromkeys(["lee", "li", "yi", "rhee", "rhie", "rhi", "ree", "rii"], "ri"),
    **dict.fromkeys(["park", "bak", "bag", "pag", "bahk", "paek"], "pak"),
    **dict.fromkeys(["gim", "kimm"], "kim"),
    **dict.fromkeys(["choi", "choe", "chwe", "choy", "chey"], "choe"),
    **dict.fromkeys(["yoon", "youn", "yun"], "yun"),
    **dict.fromkeys(["lim", "rim", "im"], "rim"),
    **dict.fromkeys(["ryu", "yu", "yoo", "lyu"], "ryu"),
}

# Romanization spellings of the same Korean sound (McCune-Reischauer vs Revised Romanization, and
# common English spellings), applied in order inside tokens: eo/o, eu/u, oo/u, ee/i, ou/o, j/ch,
# g/k, d/t, b/p, l/r, and the final -ng that Russian transliteration writes as -n.
SOUND_RULES: tuple[tuple[str, str], ...] = (
    (r"eo", "o"),
    (r"eu", "u"),
    (r"oo", "u"),
    (r"ee", "i"),
    (r"ou", "o"),
    (r"tch", "ch"),
    (r"j", "ch"),
    (r"sh", "s"),
    (r"kh", "h"),
    (r"ai", "ae"),
    (r"ye", "yo"),
    (r"ng(?=[^aeiouwy]|$)", "n"),  # syllable-final ng (Russian -н); Tan-gun and Sin-gwang keep the g
    (r"g", "k"),
    (r"d", "t"),
    (r"b", "p"),
    (r"l", "r"),
    (r"^r([yi])", r"\1"),  # North Korean initial r/l before i/y is dropped in the South: Ri/I, Ryon/Yon
)

# Cyrillic as Russian transliterates Korean names (Kontsevich): Чхоль -> chol, Ён -> yon, Гю -> gyu.
# ICU/normality's generic Cyrillic tables give "Col'" and "En" here, losing the syllables.
CYRILLIC: dict[str, str] = {
    "чх": "ch", "тх": "t", "кх": "k", "пх": "p", "чж": "j", "дж": "j", "кв": "kw", "гв": "gw",
    "хв": "hw",
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "yo", "ж": "j", "з": "z",
    "и": "i", "й": "y", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r",
    "с": "s", "т": "t", "у": "u", "ф": "f", "х": "h", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "shch",
    "ъ": "", "ы": "u", "ь": "", "э": "ae", "ю": "yu", "я": "ya", "і": "i", "ї": "yi", "є": "ye",
    "ў": "u", "ґ": "g",
}  # fmt: skip
