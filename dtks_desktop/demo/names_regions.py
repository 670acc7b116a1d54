"""Naming regions of the demo generator: how people are named outside Java.

The generator's own pools (``pools._POOLS_TEXT``) are Javanese and Islamic-Javanese. A
kabupaten in Aceh, Tapanuli, Papua or a city with a large Chinese-Indonesian community names its
people differently, and so does its civil registry. :func:`region_mix` says, for a kabupaten/kota
code, which share of the families is named in which style; :class:`RegionalNames` makes the
names of one family member at a time, following the family (a Batak child carries the father's
marga, an Acehnese ``BIN``/``BINTI`` names the real father in the family, a Chinese-Indonesian
child carries the father's surname).

All names are fictitious combinations of common words. Pools are upper case, commonest first
(the generator gives them Zipf-like weights). Plain Python, deterministic for the ``random``
generator it is given.
"""

from __future__ import annotations

import random
from functools import lru_cache

JAWA, ACEH, BATAK, PAPUA, TIONGHOA = range(5)
STYLE_NAMES = ("jawa", "aceh", "batak", "papua", "tionghoa")

# Share of Chinese-Indonesian families in cities with a large community (rough, plausible).
_TIONGHOA_SHARE = {
    "12.71": 0.12,   # Kota Medan
    "12.75": 0.06,   # Kota Binjai
    "14.71": 0.06,   # Kota Pekanbaru
    "19.71": 0.20,   # Kota Pangkal Pinang
    "21.71": 0.10,   # Kota Batam
    "21.72": 0.12,   # Kota Tanjung Pinang
    "31.71": 0.10, "31.72": 0.16, "31.73": 0.14, "31.74": 0.05, "31.75": 0.05,   # Jakarta
    "33.74": 0.05,   # Kota Semarang
    "35.78": 0.05,   # Kota Surabaya
    "61.71": 0.15,   # Kota Pontianak
    "61.72": 0.42,   # Kota Singkawang
}
_PAPUA_PROVINCES = {"91", "92", "93", "94", "95", "96", "97"}


def region_mix(kab_code: str) -> dict[int, float] | None:
    """Share of families per naming style for kabupaten/kota ``kab_code`` ("11.06").

    None means the generator's own (Javanese) pools only, unchanged.
    """
    prov = kab_code[:2]
    if prov == "11":
        mix = {ACEH: 0.9, JAWA: 0.1}                     # transmigrants and migrants
    elif prov == "12":
        mix = {BATAK: 0.45, JAWA: 0.55} if kab_code in ("12.71", "12.75") else {BATAK: 0.75, JAWA: 0.25}
        if kab_code in ("12.02", "12.12", "12.16", "12.17", "12.01", "12.03"):   # Tapanuli, Toba, Samosir
            mix = {BATAK: 0.95, JAWA: 0.05}
    elif prov in _PAPUA_PROVINCES:
        papua = 0.92 if prov == "95" else 0.45 if prov == "93" else 0.65
        mix = {PAPUA: papua, JAWA: 1 - papua}
    else:
        mix = {JAWA: 1.0}
    chinese = _TIONGHOA_SHARE.get(kab_code, 0.0)
    if chinese:
        mix = {k: v * (1 - chinese) for k, v in mix.items()}
        mix[TIONGHOA] = chinese
    if set(mix) == {JAWA}:
        return None
    return mix


def _words(text: str) -> list[str]:
    out: list[str] = []
    for w in text.split():
        w = w.replace("_", " ")
        if w not in out:
            out.append(w)
    return out


_POOLS_TEXT = {
    # ---- Aceh: Arabic names; T./TEUKU and CUT for the uleebalang families, TGK for religious men
    "ACEH_M": """MUHAMMAD ZULKIFLI SYAHRIL FAISAL SAIFUL RIDWAN MUKHLIS ZAINAL ABDULLAH ISKANDAR
        HASBALLAH MUZAKIR YUSUF IBRAHIM ISMAIL MAHMUD ARMIA BUKHARI JAMALUDDIN NASRUDDIN SYAMSUL
        RAHMAT TAUFIK MUSLIM HUSAINI ZAKARIA SULAIMAN AHMAD HAMDANI ZUBIR NURDIN ABUBAKAR
        ZAINUDDIN TARMIZI USMAN MUNIR FIRDAUS KHAIRUL AZHARI RUSLI SAFRIZAL MURSYID ILYAS
        MAIMUN BASRI JAFAR HASAN HUSEN SYARIFUDDIN MARZUKI IDRIS RAMLI ANWAR HANAFI KAMARUDDIN""",
    "ACEH_M2": """YUSUF AHMAD ABIDIN HASAN RIZAL ALI SAPUTRA FAHMI IQBAL HIDAYAT AKBAR ARIF HUSAINI
        MAULANA SYAH AMIN NUR ZAKI FADHIL RAMADHAN""",
    "ACEH_M_MOD": """RIZKI ALFARIZI FATHAN NAUFAL AQIL HAIKAL ZIKRI KHALIS RAFI FAKHRUL DIMAS FARHAN
        ALIF HAFIZ ZIDAN ARKAN AZKA DAFFA FIKRI ILHAM MUAMMAR AL_FATIH RAIHAN""",
    "ACEH_F": """NURHAYATI FATIMAH AISYAH MARYAM HASNAH NURLAILA RAHMAH SALMAH ZAINAB HALIMAH JAMILAH
        MARDIAH NURMALA ROSMAWATI FAUZIAH YUSNIDAR NURAINI SYARIFAH ASMA MUNAWARAH RAUDHAH
        KHAIRUNNISA SITI NURSIAH HAFSAH ROHANI MASYITAH YUSRA RUKIAH SAUDAH NURJANNAH SAFIAH
        ZUBAIDAH RATNA ERNAWATI MURNI SALAMAH SAKDIAH""",
    "ACEH_F_MOD": """ZAHRA NADIA SALSABILA ZAHARA AINUL MUTIA INTAN NAJWA AZKIA AQILA HUMAIRA
        KHANSA NAILA SYIFA RAISA ALYA NAURA ZAHIRA AULIA FARAH""",
    # ---- Batak (Toba, Simalungun, Karo, Mandailing marga)
    "BATAK_MARGA": """SIMANJUNTAK SITUMORANG NAINGGOLAN HUTAGALUNG SIREGAR NASUTION LUBIS SIHOMBING
        PANJAITAN SIMATUPANG SINAGA PASARIBU HUTAPEA SIAHAAN MANURUNG SITOMPUL SIMAMORA
        TAMBUNAN SIANTURI SILALAHI GULTOM HUTABARAT MARPAUNG PARDEDE SIBURIAN SITORUS SIMBOLON
        MUNTHE SARAGIH PURBA DAMANIK GINTING SEMBIRING TARIGAN SURBAKTI HARAHAP DALIMUNTHE
        RITONGA SIMORANGKIR LUMBANTOBING HUTASOIT SIHITE ARITONANG RAJAGUKGUK SIMANULLANG
        SIBARANI NAPITUPULU SIDABUTAR MALAU SAMOSIR SILABAN""",
    "BATAK_M": """PARLINDUNGAN MANGASI HOTMAN BINSAR PANDAPOTAN TUMPAL JONGGI MARULI SAHAT TIGOR
        MARTUA PARULIAN HASUDUNGAN BONAR LAMHOT JANSEN JAMES ROBERT MARTIN DANIEL DAVID
        JOHANNES PAULUS MARKUS ALBERT FERNANDO BERNARD POLTAK TORANG RUDOLF MANGIHUT SAUT
        HERMAN DARWIN BISMAR AMRAN MAIDIN JUNJUNGAN""",
    "BATAK_M_MOD": """KEVIN JOSUA SAMUEL YOGI ANDREAS GABRIEL RICARDO DANIEL JONATHAN YOSUA FERDINAN
        ARDO RIZKY CHRISTIAN IMMANUEL NICO FRANS ALDO HOTMAN""",
    "BATAK_F": """ROSMAULI TIURMA RUMONDANG ROSDIANA TIOMINAR LAMSARI NURHAIDA MASNIAR ROMAULI DUMA
        SARMA DINA HOTMAIDA RENTA MERI RIANI FRIDA LINDA ELISABET MARIA SINTA YANTI MARTHA
        RISMA TETTY NURMAIDA ROSLINA LENNY HOTNIDA MINTA SORTA ERNI""",
    "BATAK_F_MOD": """GRACE CHRISTINA NATALIA ANGELINA OLIVIA CLARA YOHANA DEBORA MONIKA SANTI
        FEBRIANTI ROTUA TIARA JESSICA""",
    # ---- Papua: Christian given names and clan names (north coast, highlands, south)
    "PAPUA_M": """YOHANES PETRUS MARTHEN YULIUS ONESIMUS OKTOVIANUS KORNELIS FERDINAND ELISA YAKOB
        NATALIS SEPNAT ALFRED FRANS HANS OTNIEL YUSUF DANIEL ABRAHAM MARKUS LEONARD NIKOLAS
        BENNY YAN THEO MATIAS DOMINGGUS YONAS LUKAS SIMON AMOS NOAK TITUS SEFNAT YERMIAS
        BARNABAS HERMAN""",
    "PAPUA_M_MOD": """FRENGKY JEFRI RONALDO RIKI YEHEZKIEL KEVIN DAVID YOSUA IMANUEL ALFONS
        GIDEON NATANAEL STEVEN""",
    "PAPUA_F": """MARTHA YOHANA NAOMI YAKOMINA DORTEA ELISABETH MARIA ANACE SELFINA BERTHA MAGDALENA
        OKTOVINA AGUSTINA PAULINA FERONIKA RAHEL LEA SARA YULIANA MERY NELLY ROSALINA DORKAS
        SERLINA FIENCE YOSINA""",
    "PAPUA_F_MOD": "MEILANI NOVITA GRACE DELILA PRISKILA NATALIA YESI SINTIA ANGEL",
    "PAPUA_CLAN_N": """RUMBIAK MANSOBEN KAFIAR RUMBEKWAN WAROMI KARUBABA MAYOR RUMAKIEK RUMBRAWER
        SAWAKI AWOM INDOW WOMSIWOR KAWER MANDOWEN KREY IBO YARISETOU MERAUJE SOROMBO MANUFANDU
        RUMAINUM WONATOREI AIBINI""",
    "PAPUA_CLAN_H": """WENDA KOGOYA WONDA TABUNI MURIB ENUMBI KAGOYA YIKWA WANIMBO LOKBERE GIBAN
        GOMBO JIKWA TELENGGEN WALIA MABEL HUBI ASSO HISAGE ELOPERE YOMAN PIGAI GOBAI DOGOPIA
        TEBAY MOTE YOGI DEGEI TATOGO""",
    "PAPUA_CLAN_S": """GEBZE MAHUZE KAIZE BALAGAIZE NDIKEN SAMKAKAI KEWAMIJAI OMBAIR YOLMEN DAGIJAI
        KAHOL BOKAYOW""",
    # ---- Chinese-Indonesian
    "CN_SURNAME": "TAN LIM LIE LIEM ONG GO OEI KHO THE TJHIN BONG LAU NG SIM KWEE TJOA",
    "CN_SYL": """KIM HWA LIONG SIOE BENG HUAT HOK SENG TJOAN GIOK LAN MEI LING SIAU HONG KIAT BOEN
        TJENG HIAN SWIE LAY HOA NIO TJIN SOEN KOK WIE GIAP""",
    "CN_INDO_SUR": """GUNAWAN WIJAYA HALIM SALIM TANOTO SANTOSO SETIAWAN KURNIAWAN LIMANTO
        TANUWIJAYA HARTANTO SUGIANTO SUSANTO KUSUMA WIRAWAN TANJAYA HIDAYAT LIMAWAN TANDIONO
        SETIADI WIDJAJA SUTANTO HARTONO""",
    "CN_INDO_M": "HENDRA BUDI ANTON ROBERT AGUS EDDY JOHAN TONY HARYANTO FERRY DJONI BENNY SURYA",
    "CN_INDO_F": "LINDA SUSANTI MELIANA LILIANA YENNY LANNY FENNY SUSI MARIANA ELIZABETH LIANA WATI",
    "CN_WEST_M": """KEVIN STEVEN MICHAEL FELIX WILLIAM JASON RICKY HENRY ALVIN JONATHAN VINCENT
        EDWARD CALVIN NICHOLAS DARREN""",
    "CN_WEST_F": """JESSICA MICHELLE CINDY VANESSA STEPHANIE NATALIA CHRISTINE ANGELINA FELICIA
        VIVIAN CLARISSA GRACE CELINE""",
}


@lru_cache(maxsize=1)
def pools() -> dict[str, tuple[str, ...]]:
    return {k: tuple(_words(v)) for k, v in _POOLS_TEXT.items()}


def _zipf(items: tuple[str, ...], s: float = 0.8, size: int = 1024) -> tuple[str, ...]:
    w = [1.0 / (i + 1) ** s for i in range(len(items))]
    tot = sum(w)
    out: list[str] = []
    for it, x in zip(items, w):
        out.extend([it] * max(1, round(x / tot * size)))
    return tuple(out)


# Words that are name prefixes/titles, never a given name by themselves.
PREFIX_TOKENS = frozenset({"T.", "TEUKU", "CUT", "TGK.", "TGK", "TEUNGKU", "BR.", "BR", "BIN", "BINTI"})


def given_part(name: str, max_words: int = 2) -> str:
    """The person's own given name: titles dropped, stopped at BIN/BINTI/BR. and a marga."""
    out: list[str] = []
    for w in name.split():
        if w in ("BIN", "BINTI", "BR.", "BR"):
            break
        if w in PREFIX_TOKENS:
            continue
        out.append(w)
    return " ".join(out[:max_words])


class RegionalNames:
    """Makes one name at a time for a family member of a non-Javanese naming style.

    ``make`` is called in family order (a father before his children), with the family key of
    the father (marga, clan, surname) when he is in the family.
    """

    def __init__(self, kab_code: str, r: random.Random) -> None:
        self.r = r
        p = pools()
        self.t = {k: _zipf(v) for k, v in p.items()}
        prov = kab_code[:2]
        self.aceh_titles = prov == "11"
        if prov == "93":
            clans = p["PAPUA_CLAN_S"] + p["PAPUA_CLAN_N"][:6]
        elif prov in ("94", "95"):
            clans = p["PAPUA_CLAN_H"]
        else:
            clans = p["PAPUA_CLAN_N"] + p["PAPUA_CLAN_H"][:8]
        self.t["PAPUA_CLAN"] = _zipf(clans)

    def pick(self, key: str) -> str:
        t = self.t[key]
        return t[int(self.r.random() * len(t))]

    # ---------------------------------------------------------------- family keys
    def new_key(self, style: int) -> tuple:
        """A family name key for someone whose father is not in the family."""
        rnd = self.r.random
        if style == ACEH:
            x = rnd()
            return ("T" if self.aceh_titles and x < 0.06 else "", self.pick("ACEH_M"))
        if style == BATAK:
            return (self.pick("BATAK_MARGA"),)
        if style == PAPUA:
            return (self.pick("PAPUA_CLAN"),)
        return (self.pick("CN_SURNAME"), self.pick("CN_INDO_SUR"))

    # ---------------------------------------------------------------- names
    def make(self, style: int, female: int, cohort: int, key: tuple, father_name: str | None,
             spouse_key: tuple | None = None) -> str:
        """The name of one person. ``key`` is the family key the person carries (the father's,
        or their own), ``father_name`` the real father's name when he is in the family,
        ``spouse_key`` the husband's key for a wife (some registries write a wife with it)."""
        rnd = self.r.random
        pick = self.pick
        young = cohort >= 2
        if style == ACEH:
            if female:
                given = pick("ACEH_F_MOD") if cohort == 3 and rnd() < 0.7 else pick("ACEH_F")
                if rnd() < 0.25:
                    given += " " + pick("ACEH_F" if rnd() < 0.5 else "ACEH_F_MOD")
            else:
                first = pick("ACEH_M_MOD") if cohort == 3 and rnd() < 0.6 else pick("ACEH_M")
                given = first if rnd() < 0.5 and first != "MUHAMMAD" else f"{first} {pick('ACEH_M2')}"
            given = " ".join(dict.fromkeys(given.split()))
            prefix = ""
            if self.aceh_titles:
                if key[0] == "T":                    # uleebalang family: sons T./TEUKU, daughters CUT
                    prefix = "CUT " if female else ("T. " if rnd() < 0.6 else "TEUKU ")
                elif not female and cohort <= 1 and rnd() < 0.025:
                    prefix = "TGK. " if rnd() < 0.5 else "TGK "
            name = prefix + given
            father = given_part(father_name) if father_name else pick("ACEH_M")
            if rnd() < (0.3 if father_name else 0.12):
                name += f" {'BINTI' if female else 'BIN'} {father}"
            return name
        if style == BATAK:
            marga = key[0]
            if female:
                given = pick("BATAK_F_MOD") if young and rnd() < 0.5 else pick("BATAK_F")
                if spouse_key is not None and rnd() < 0.15:
                    return f"{given} {spouse_key[0]}"      # written with the husband's marga
                x = rnd()
                return f"{given} BR. {marga}" if x < 0.45 else f"{given} BR {marga}" if x < 0.55 \
                    else f"{given} {marga}"
            given = pick("BATAK_M_MOD") if young and rnd() < 0.5 else pick("BATAK_M")
            if rnd() < 0.2:
                given = " ".join(dict.fromkeys((given, pick("BATAK_M"))))
            return f"{given} {marga}"
        if style == PAPUA:
            clan = key[0]
            if female:
                given = pick("PAPUA_F_MOD") if young and rnd() < 0.4 else pick("PAPUA_F")
                if spouse_key is not None and rnd() < 0.4:
                    clan = spouse_key[0]
            else:
                given = pick("PAPUA_M_MOD") if young and rnd() < 0.4 else pick("PAPUA_M")
            if rnd() < 0.25:
                given = " ".join(dict.fromkeys((given, pick("PAPUA_F" if female else "PAPUA_M"))))
            return f"{given} {clan}"
        # TIONGHOA
        surname, indo = key
        x = rnd()
        if cohort == 0 or (cohort == 1 and x < 0.4):
            syl = " ".join(dict.fromkeys((pick("CN_SYL"), pick("CN_SYL"))))
            return f"{surname} {syl}"
        if cohort == 1 or x < 0.3:
            return f"{pick('CN_INDO_F' if female else 'CN_INDO_M')} {indo}"
        if x < 0.8:
            return f"{pick('CN_WEST_F' if female else 'CN_WEST_M')} {indo}"
        return f"{pick('CN_WEST_F' if female else 'CN_WEST_M')} {pick('CN_INDO_F' if female else 'CN_INDO_M')}"
