"""Shared validation messages (Korean and English): the heading of a list of problems, reasons
that any form may give, the Lab config's reasons, and JSON parse errors in words.

A reason with a `{field}` placeholder is a whole sentence naming the field by its label; other
reasons follow the label ("Title — ..."). See core/errors.py FieldError.
"""

KO: dict[str, str] = {
    "validation.problems": "입력을 확인해 주세요({count}개):",
    "validation.bad_value": "올바르지 않은 값입니다.",
    "validation.whole_number": "정수를 입력해 주세요.",
    "validation.number": "숫자를 입력해 주세요.",
    "validation.yes_no": "예/아니요 값이어야 합니다.",
    "validation.text": "글자를 입력해 주세요.",
    "validation.list": "목록이어야 합니다.",
    "validation.object": "항목(속성 묶음)이어야 합니다.",
    "validation.too_many": "{max}개 이하로 입력해 주세요.",
    # sentences that name the field (the Lab's settings)
    "validation.not_int": "{field} 값은 정수여야 합니다(입력: {value}).",
    "validation.min": "{field} 값은 {limit} 이상이어야 합니다.",
    "validation.max": "{field} 값은 {limit} 이하여야 합니다.",
    "validation.choice": "{field} 값이 올바르지 않습니다: {value} (가능: {choices})",
    "validation.lab.invalid": "설정을 확인해 주세요({count}개):",
    "validation.lab.lr": "{field} 값은 0보다 크고 {limit} 이하여야 합니다(입력: {value}).",
    "validation.lab.dropout": "{field} 값은 0 이상 {limit} 이하여야 합니다(입력: {value}).",
    "validation.lab.warmup": "{field}({warmup})은(는) {steps_label}({steps})보다 클 수 없습니다.",
    "validation.lab.heads_divide": "{d_model_label}({d_model})이 {field}({n_heads})로 나누어떨어져야 합니다.",
    # JSON that does not parse: where and why
    "validation.json.bad": "JSON을 읽을 수 없습니다: {line}번째 줄 {column}번째 칸 — {reason}",
    "validation.json.value": "값이 있어야 할 자리입니다.",
    "validation.json.comma": "쉼표(,)가 빠졌습니다.",
    "validation.json.colon": "콜론(:)이 빠졌습니다.",
    "validation.json.name": '속성 이름은 큰따옴표(")로 감싸야 합니다.',
    "validation.json.string": "닫히지 않은 문자열이 있습니다.",
    "validation.json.control": "문자열 안에 쓸 수 없는 제어 문자가 있습니다.",
    "validation.json.escape": "잘못된 역슬래시(\\) 이스케이프입니다.",
    "validation.json.extra": "JSON 값 뒤에 다른 내용이 더 있습니다.",
    "validation.json.trailing_comma": "닫는 괄호 앞에 쉼표가 남아 있습니다.",
    "validation.json.other": "JSON 형식이 아닙니다.",
}

EN: dict[str, str] = {
    "validation.problems": "Please check {count} field(s):",
    "validation.bad_value": "This value is not valid.",
    "validation.whole_number": "Enter a whole number.",
    "validation.number": "Enter a number.",
    "validation.yes_no": "Must be a yes/no value.",
    "validation.text": "Enter text.",
    "validation.list": "Must be a list.",
    "validation.object": "Must be an item (a group of attributes).",
    "validation.too_many": "Enter at most {max}.",
    "validation.not_int": "{field} must be a whole number (got {value}).",
    "validation.min": "{field} must be at least {limit}.",
    "validation.max": "{field} must be at most {limit}.",
    "validation.choice": "Invalid {field}: {value} (choose from {choices})",
    "validation.lab.invalid": "Please check {count} setting(s):",
    "validation.lab.lr": "{field} must be above 0 and at most {limit} (got {value}).",
    "validation.lab.dropout": "{field} must be between 0 and {limit} (got {value}).",
    "validation.lab.warmup": "{field} ({warmup}) cannot exceed {steps_label} ({steps}).",
    "validation.lab.heads_divide": "{field} ({n_heads}) must divide {d_model_label} ({d_model}) evenly.",
    "validation.json.bad": "Cannot read the JSON: line {line}, column {column} — {reason}",
    "validation.json.value": "A value is expected here.",
    "validation.json.comma": "A comma (,) is missing.",
    "validation.json.colon": "A colon (:) is missing.",
    "validation.json.name": 'Property names need double quotes (").',
    "validation.json.string": "A string is not closed.",
    "validation.json.control": "A string contains a control character.",
    "validation.json.escape": "Invalid backslash (\\) escape.",
    "validation.json.extra": "There is more text after the JSON value.",
    "validation.json.trailing_comma": "A comma is left before a closing bracket.",
    "validation.json.other": "This is not valid JSON.",
}
