# The seed's snippet, run with the official openai==0.28.1 client: only api_base (and the key) point at
# `aigc serve`, and the engine is a served model's id. Prints the completion; exits non-zero if it is empty.
import os
import sys

import openai

openai.api_key = os.environ["AIGC_API_KEY"]
openai.api_base = os.environ["AIGC_BASE_URL"]  # e.g. http://127.0.0.1:8000/v1

prompt = "What are the benefits of exercise?"
response = openai.Completion.create(
    engine=os.environ["AIGC_MODEL"],
    prompt=prompt,
    max_tokens=150,
    n=1,
    stop=None,
    temperature=0.7,
)
text = response.choices[0].text.strip()
print(text)
if not text:
    sys.exit("empty completion")
