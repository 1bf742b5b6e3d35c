"""A parameter's name glossed in words: from its docstring in English, from the lecture notes'
Chinese terms in zh-CN ("c_in：输入通道")."""

from __future__ import annotations

# Words of parameter names, in the notes' Chinese terms, for naming an argument in zh-CN: a name's
# words are put in Chinese order (in/out first, a count "n" last); a name with an unknown word
# is shown as it is. English names the parameter by its docstring's description instead.
TERMS_ZH: dict[str, str] = {
    "bias": "偏置",
    "b": "偏置",
    "weights": "权重",
    "c": "通道",
    "channels": "通道",
    "filters": "过滤器",
    "filter": "过滤器",
    "h": "高度",
    "w": "宽度",
    "height": "高度",
    "width": "宽度",
    "stride": "步长",
    "pad": "零填充",
    "size": "尺寸",
    "units": "单元",
    "layers": "层",
    "batch": "批量",
    "classes": "类别",
    "hidden": "隐藏单元",
    "depth": "深度",
}
_MODIFIERS_ZH = {"in": "输入", "out": "输出"}
_COUNT_ZH = {"n": "个数", "num": "个数"}


def term_gloss(name: str, language: str, description: str = "") -> str:
    """What a parameter is, after its name: "c_in: input channels" (English, from the docstring's
    description) or "c_in：输入通道" (zh-CN, from TERMS_ZH); "" when nothing is known."""
    if language == "en":
        text = description.strip().rstrip(".")
        return f"{name}: {text}" if text else ""
    words = name.lower().split("_")
    if words == ["n"] or not all(w in TERMS_ZH or w in _MODIFIERS_ZH or w in _COUNT_ZH for w in words):
        return ""
    modifiers = [_MODIFIERS_ZH[w] for w in words if w in _MODIFIERS_ZH]
    nouns = [TERMS_ZH[w] for w in words if w in TERMS_ZH]
    counts = [_COUNT_ZH[w] for w in words if w in _COUNT_ZH]
    if not nouns and modifiers and counts:
        nouns = ["单元"]
    return f"{name}：" + "".join(modifiers + nouns + counts[:1])
