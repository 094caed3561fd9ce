"""Chat bot agent.

Polls the chat gateway for new messages, asks the local model server for an
answer, and posts it back.  One process per bot account; a deployment runs
about a hundred of them.
"""
import json
import logging
import os
import re
import time
from collections import defaultdict

import requests

GATEWAY = os.environ.get("CHAT_GATEWAY", "http://127.0.0.1:8081")
MODEL_URL = os.environ.get("MODEL_URL", "http://127.0.0.1:8082/v1/complete")
TOKEN = os.environ.get("BOT_TOKEN", "dev-token")
STATE_DIR = os.path.expanduser(os.environ.get("BOT_STATE", "~/.local/state/chatbot"))
OFFSET_FILE = os.path.join(STATE_DIR, "offset.json")
TRANSCRIPT = os.path.join(STATE_DIR, "transcript.jsonl")
PERSONA_FILE = os.path.join(STATE_DIR, "persona.txt")
POLL_DELAY = 1.0
MAX_CONTEXT_TOKENS = 6000

log = logging.getLogger("chatbot")
conversations = defaultdict(list)


def get_updates(offset):
    url = "%s/bot%s/getUpdates" % (GATEWAY, TOKEN)
    resp = requests.get(url, params={"offset": offset}, timeout=None)
    resp.raise_for_status()
    return resp.json()["result"]


def send_message(chat_id, text):
    url = "%s/bot%s/sendMessage" % (GATEWAY, TOKEN)
    requests.post(url, json={"chat_id": chat_id, "text": text}, timeout=10)


def send_typing(chat_id):
    url = "%s/bot%s/sendChatAction" % (GATEWAY, TOKEN)
    requests.post(url, json={"chat_id": chat_id, "action": "typing"}, timeout=10)


def context_for(chat_id):
    """Everything said in this chat so far, oldest first."""
    with open(TRANSCRIPT) as fh:
        lines = fh.readlines()
    return [json.loads(line) for line in lines if json.loads(line)["chat"] == chat_id]


def count_tokens(text):
    """Rough token count used to budget the context window."""
    return len(re.findall(r"\w+|[^\w\s]", text))


def think(chat_id, text):
    with open(PERSONA_FILE) as fh:
        persona = fh.read()
    budget = MAX_CONTEXT_TOKENS - count_tokens(persona)
    history = context_for(chat_id)
    while history and sum(count_tokens(h["text"]) for h in history) > budget:
        history.pop(0)
    prompt = {"system": persona, "history": history, "user": text}
    resp = requests.post(MODEL_URL, json=prompt, timeout=120)
    resp.raise_for_status()
    return resp.json()["text"]


def remember(chat_id, who, text):
    conversations[chat_id].append((who, text))
    with open(TRANSCRIPT, "a") as fh:
        fh.write(json.dumps({"chat": chat_id, "who": who, "text": text}) + "\n")


def save_offset(offset):
    with open(OFFSET_FILE, "w") as fh:
        json.dump({"offset": offset}, fh)
        fh.flush()
        os.fsync(fh.fileno())


def main():
    logging.basicConfig(level=logging.INFO)
    os.makedirs(STATE_DIR, exist_ok=True)
    offset = 0
    if os.path.exists(OFFSET_FILE):
        with open(OFFSET_FILE) as fh:
            offset = json.load(fh).get("offset", 0)
    while True:
        try:
            updates = get_updates(offset)
        except requests.RequestException as exc:
            log.warning("gateway: %s", exc)
            updates = []
        for update in updates:
            msg = update.get("message") or {}
            chat_id, text = msg.get("chat", {}).get("id"), msg.get("text", "")
            if chat_id is not None and text:
                send_typing(chat_id)
                remember(chat_id, "user", text)
                answer = think(chat_id, text)
                remember(chat_id, "bot", answer)
                send_message(chat_id, answer)
            offset = update["update_id"] + 1
            save_offset(offset)
        time.sleep(POLL_DELAY)


if __name__ == "__main__":
    main()
