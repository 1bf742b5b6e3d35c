"""Sentences of the findings that read the call itself, in English and Chinese (zh-CN): its
numbers and arrays (a bias added once per product, a regularisation term, contributions assigned),
its whole answer (another type, two items swapped, a table's records), the count's terms, NumPy's
index errors. `grader.analysis.messages.SENTENCES` holds them with the others; the same rules apply
(placeholders carry no expected values; Chinese in the notes' terms, code in backticks).
"""

from __future__ import annotations

CALL_SENTENCES: dict[str, dict[str, str]] = {
    "answer_float_for_int": {
        "en": "a float where an int is needed: use // (integer division), not /",
        "zh-CN": "返回的是浮点数 `float`，这里需要整数 `int`：请用整除 `//`，不要用 `/`",
    },
    "answer_type": {
        "en": "{got} where {expected} is needed",
        "zh-CN": "返回的是 {got}，这里需要 {expected}",
    },
    "answer_item": {
        "en": "item {index}: {inner}",
        "zh-CN": "第 {index} 项：{inner}",
    },
    "records_running_total": {
        "en": "Each record's {field} is the running total of the expected ones (the sum of this and all "
        "earlier records): count each one on its own, not cumulatively.",
        "zh-CN": "每条记录的 {field} 都是期望值的累计和（这一条加上前面所有条）："
        "应当各自单独计算，不要累加。",
    },
    "records_reordered": {
        "en": "Each record's {field} holds the right entries in another order, the same in every "
        "record: yours lists the expected entries in the order {order} (channels last where they "
        "come first?).",
        "zh-CN": "每条记录的 {field} 数值都对，但顺序不同，而且每条都一样：你的结果按 {order} 的顺序"
        "排列期望的各项（是不是把通道放到了最后，而它应当在最前？）",
    },
    "index_one_past": {
        "en": "Your code reads index {index} of axis {axis}, whose size is {size}: one past the end. A "
        "loop or a window one step too far, or a flat index unflattened with the wrong row length "
        "(the height where the width belongs, which only square planes forgive)?",
        "zh-CN": "你的代码读取了第 {axis} 轴的下标 {index}，而这个轴的长度只有 {size}：越过了末尾一位。"
        "是循环或窗口多走了一步，还是把展平的下标还原时用错了行长（该用宽度的地方用了高度，"
        "只有正方形平面才不会出错）？",
    },
    "items_swapped": {
        "en": "Items {first} and {second} of your answer are swapped: each holds the other's right "
        "value (the order of the tuple's items, as the docstring gives it).",
        "zh-CN": "你的结果中第 {first} 项和第 {second} 项互换了：每一项都是另一项的正确值"
        "（请按文档说明的顺序排列元组的各项）。",
    },
    "number_squares_extra": {
        "en": "Your number is the expected one plus {half} x {name} x the sum of squares of {arrays}: "
        "a regularisation (L2) term over {arrays} where it does not belong (on the biases, or "
        "counted twice)?",
        "zh-CN": "你的结果等于期望值加上 {half} × {name} ×（{arrays} 的平方和）：是不是在不该加的地方"
        "对 {arrays} 加了正则化（`L2`）项（加在了偏置上，或者加了两次）？",
    },
    "number_squares_missing": {
        "en": "Your number is the expected one minus {half} x {name} x the sum of squares of "
        "{arrays}: the regularisation (L2) term over {arrays} is missing?",
        "zh-CN": "你的结果等于期望值减去 {half} × {name} ×（{arrays} 的平方和）：是不是漏了 {arrays} "
        "的正则化（`L2`）项？",
    },
    "number_input_multiple": {
        "en": "Your number is the expected one plus {count} times {name}: it is added inside the "
        "sum or loop (once per term) where it belongs once, after the sum; or added twice, or "
        "missing?",
        "zh-CN": "你的结果等于期望值加上 {count} 倍的 {name}：是不是把它加在了求和或循环里面"
        "（每一项都加了一次），而它应当在求和之后只加一次；或者加了两次、漏加了？",
    },
    "number_scale_beside_input": {
        "en": "Without {name}, your number is the expected one times {factor}: that term is right, "
        "but the rest is scaled (a mean where a sum is needed, a factor missing or applied twice)?",
        "zh-CN": "去掉 {name} 之后，你的结果是期望值的 {factor} 倍：这一项加得对，但其余部分多乘或"
        "漏乘了一个因子（是不是该求和的地方求了平均？）",
    },
    "argument_ignored_within": {
        "en": "Your answer is a part of the one the right code gives with {name} = {value}: its size "
        "uses {name} but its values do not (a loop or a slice that does not step by {name}, as "
        "i * {name}; windows not moved by it)?",
        "zh-CN": "你的结果是正确代码在 {name} = {value} 时结果的一部分：尺寸用到了 {name}，数值却没有用到"
        "（循环或切片没有按 {name} 移动，应为 `i *` {name}；窗口没有按它移动）？",
    },
    "row_length": {
        "en": "Your flat indices are row * {got_length} + column where row * {length} + column is "
        "expected ({length}: the {name}): the row length of the flattening is wrong (the output's "
        "width where the input's width belongs?)",
        "zh-CN": "你的展平索引是 行 × {got_length} + 列，而期望的是 行 × {length} + 列"
        "（{length} 是 {name}）：展平用的行长不对（是不是该用输入宽度的地方用了输出宽度？）",
    },
    "size_from_other_axis": {
        "en": "The shape is {got_shape} instead of {expected_shape}: along the {axis} your output has "
        "as many entries as along the {other}, where the plane is not square. Is that size computed "
        "from the other axis (the height where the width belongs, as if the input or the filter "
        "were square)?",
        "zh-CN": "形状是 {got_shape}，应为 {expected_shape}：你的输出沿{axis}的长度和沿{other}的一样，"
        "而这个平面不是正方形的。是不是用另一个轴算了这个尺寸（该用宽度的地方用了高度，"
        "好像输入或卷积核是正方形的）？",
    },
    "number_partial_sum": {
        "en": "Your number is the sum of {product} over index {value} of its {axis} only, where the "
        "right one sums over every index of that axis: a loop or a slice that covers one slice "
        "(one channel, one row) where it should cover them all?",
        "zh-CN": "你的结果只是 {product} 在{axis}下标 {value} 上的和，而正确结果要对这个轴的全部下标求和："
        "是不是循环或切片只覆盖了其中一片（一个通道、一行），而应当覆盖全部？",
    },
    "input_contributions": {
        "en": "Where your values differ, each is one value of {name} and the expected one adds one or "
        "two more of them: contributions that reach the same place (overlapping windows, a maximum "
        "chosen twice) must be added (`+=`), not assigned (`=`); NumPy's fancy-index `+=` keeps only "
        "one of repeated indices (use np.add.at).",
        "zh-CN": "你的结果不对的地方，每个值都正好是 {name} 中的一个值，而期望值还要再加上其中一两个："
        "落到同一位置的多个贡献（窗口重叠、同一个最大值被选中两次）必须累加（`+=`），不能直接赋值"
        "（`=`）；`NumPy` 花式索引的 `+=` 遇到重复下标只保留一个（请用 `np.add.at`）。",
    },
    "formula_term_copied": {
        "en": "Your count has the term {wrong} where {right} belongs{gloss}: the other term counted "
        "twice, as one bias per weight instead of one per {right}?",
        "zh-CN": "你的计数在该是 {right} 的地方又算了一遍 {wrong}{gloss}：另一项被算了两次，"
        "像是每个权重都配了一个偏置，而不是每个 {right} 一个？",
    },
    "formula_smaller_term": {
        "en": " The difference is in the smaller term, {term}: the biases, one per output (unit, filter "
        "or position)?",
        "zh-CN": "差别在较小的那一项 {term}：也就是偏置，每个输出（单元、过滤器或位置）一个？",
    },
}
