# -*- coding: latin-1 -*-
"""Agent d'accueil : lit la boîte de réception (fichier en Latin-1, pas UTF-8).

Ce fichier est volontairement encodé en ISO-8859-1 : l'analyseur doit le lire
sans planter.
"""
import json
import os
import time

BOITE = os.path.expanduser("~/agent/réception")
PAUSE = 0.5


def lire_tâches():
    """Renvoie les tâches en attente (« même si le dossier est vide »)."""
    tâches = []
    for nom in os.listdir(BOITE):
        with open(os.path.join(BOITE, nom), encoding="latin-1") as fh:
            tâches.append(json.load(fh))
    return tâches


def boucle():
    while True:
        for tâche in lire_tâches():
            print("tâche reçue :", tâche.get("id"))
        time.sleep(PAUSE)


if __name__ == "__main__":
    boucle()
