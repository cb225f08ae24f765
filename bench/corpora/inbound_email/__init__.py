"""An independent labelled set of supplier and customer e-mail to a tour operator's
reservations desk: 7 categories, English, Hinglish, German and French, replies, forwards,
HTML-only mail, Latin-1 and mislabelled charsets, XLSX/CSV/PDF rate sheets and PDF invoices.

    .venv/bin/python -m bench.corpora.inbound_email --out bench/data/inbound_email

Written from docs/inbound-email.md ("What the mail looks like"), as the senders would write
it, not from the classifier's rules: nothing here imports `tourstack.inbox`. Each message's
label (category, the extractions a person would retype, the tuning or held-out split, fixed
when the set is written) goes to labels.jsonl beside the .eml files.
"""
