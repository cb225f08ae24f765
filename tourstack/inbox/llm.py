"""One structured call to the model for the inbox (the classifier and the reply writer).

Why one function: both ask for a Pydantic-shaped answer and must turn every provider failure
(timeout, HTTP status, unreachable, refusal, an answer off the schema) into one short
RuntimeError reason that the caller records before falling back to its rules or template.
"""

from __future__ import annotations

import json

from pydantic import BaseModel, ValidationError


def structured_answer(client, model: str, messages: list[dict], schema: type[BaseModel], *,  # noqa: ANN001
                      timeout_s: float, temperature: float, what: str) -> BaseModel:
    """The parsed answer; raises RuntimeError with a short reason when there is none."""
    import openai

    try:
        completion = client.chat.completions.parse(model=model, messages=messages, response_format=schema,
                                                   timeout=timeout_s, temperature=temperature)
    except (ValidationError, json.JSONDecodeError) as exc:
        raise RuntimeError(f"the answer does not match the {what} schema") from exc
    except openai.APITimeoutError as exc:
        raise RuntimeError(f"no answer within {timeout_s:g} s") from exc
    except openai.APIStatusError as exc:
        raise RuntimeError(f"model provider answered HTTP {exc.status_code}") from exc
    except (openai.APIConnectionError, openai.OpenAIError) as exc:
        raise RuntimeError("model provider unreachable or refused the request") from exc
    message = completion.choices[0].message if completion.choices else None
    if message is None or message.refusal or message.parsed is None:
        raise RuntimeError("no structured answer (refused or empty)")
    return message.parsed
