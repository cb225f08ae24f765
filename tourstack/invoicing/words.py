"""Amounts in words for printed invoices ("Rupees One Lakh Twenty Thousand and Fifty Paise
Only"). Indian documents count in lakhs and crores; other currencies in thousands and millions.
"""

from __future__ import annotations

from tourstack.money import exponent

_ONES = ("Zero One Two Three Four Five Six Seven Eight Nine Ten Eleven Twelve Thirteen Fourteen "
         "Fifteen Sixteen Seventeen Eighteen Nineteen").split()
_TENS = "_ _ Twenty Thirty Forty Fifty Sixty Seventy Eighty Ninety".split()
_NAMES = {"INR": ("Rupees", "Paise"), "USD": ("US Dollars", "Cents"), "EUR": ("Euros", "Cents"),
          "GBP": ("Pounds Sterling", "Pence"), "AED": ("Dirhams", "Fils"),
          "SGD": ("Singapore Dollars", "Cents"), "THB": ("Baht", "Satang")}


def _below_thousand(n: int) -> list[str]:
    words: list[str] = []
    if n >= 100:
        words += [_ONES[n // 100], "Hundred"]
        n %= 100
    if n >= 20:
        words.append(_TENS[n // 10] + (f"-{_ONES[n % 10]}" if n % 10 else ""))
    elif n:
        words.append(_ONES[n])
    return words


def integer_words(n: int, *, indian: bool) -> str:
    if n == 0:
        return "Zero"
    scales = [(10**7, "Crore"), (10**5, "Lakh"), (10**3, "Thousand")] if indian else [
        (10**12, "Trillion"), (10**9, "Billion"), (10**6, "Million"), (10**3, "Thousand")]
    words: list[str] = []
    for size, name in scales:
        if n >= size:
            head, n = divmod(n, size)
            words += (integer_words(head, indian=indian).split() if head >= 1000 else _below_thousand(head))
            words.append(name)
    words += _below_thousand(n)
    return " ".join(words)


def amount_in_words(minor: int, currency: str) -> str:
    major_name, minor_name = _NAMES.get(currency, (currency, "minor units"))
    places = exponent(currency)
    major, fraction = divmod(abs(minor), 10**places) if places else (abs(minor), 0)
    indian = currency == "INR"
    text = f"{major_name} {integer_words(major, indian=indian)}"
    if fraction:
        text += f" and {integer_words(fraction, indian=indian)} {minor_name}"
    return f"{'Minus ' if minor < 0 else ''}{text} Only"
