"""The demo generator's world: the kabupaten's regions (Kemendagri codes and names, each desa's
dusun/RW/RT layout drawn) and the name and place pools people are named from (upper case,
commonest first, drawn with Zipf-like weights; other naming regions in ``names_regions``).
"""

from __future__ import annotations

import csv
import io
import random
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources as _resources

import numpy as np


# =============================================================================================
# Region reference data
# =============================================================================================


@lru_cache(maxsize=1)
def _wilayah() -> tuple[dict[str, str], dict[str, list[str]]]:
    """All Kemendagri codes -> names, and parent code -> child codes (file order)."""
    text = (_resources.files("dtks_desktop.resources") / "wilayah_kemendagri_2025.csv").read_text(
        encoding="utf-8-sig")
    names: dict[str, str] = {}
    children: dict[str, list[str]] = {}
    reader = csv.reader(io.StringIO(text))
    next(reader, None)
    for row in reader:
        if len(row) < 2:
            continue
        code, name = row[0].strip(), " ".join(row[1].split())
        names[code] = name
        if "." in code:
            children.setdefault(code.rsplit(".", 1)[0], []).append(code)
    return names, children


@lru_cache(maxsize=1)
def _all_region_names() -> frozenset[str]:
    """Every region name at any level, folded (lower case, letters and digits only)."""
    names, _ = _wilayah()
    return frozenset(_fold(n) for n in names.values())


def _fold(s: str) -> str:
    return re.sub(r"[^a-z0-9]", "", s.lower())


def _short_kab(name: str) -> str:
    for prefix in ("Kabupaten Administrasi ", "Kota Administrasi ", "Kabupaten ", "Kota "):
        if name.startswith(prefix):
            return name[len(prefix):]
    return name


@dataclass(slots=True)
class _Desa:
    code: str
    name: str
    kec: int            # index into region kecamatan lists
    kec6: int           # kecamatan code as a 6-digit int
    kelurahan: bool
    slots: list         # (dusun, rw, rt)
    alamat_style: int
    weight: float


@dataclass
class _Region:
    prov_code: str
    prov_name: str
    kab_code: str
    kab_name: str
    kab_short: str
    is_kota: bool
    kec_codes: list[str]
    kec_names: list[str]
    kec6: list[int]
    kec_desas: list[list[int]]
    desas: list[_Desa]
    prov_outside_kec6: list[int]
    other_kec6: list[int]
    kec6_place: dict[int, str]


def _normalize_kab(kab: str) -> str:
    s = str(kab).strip()
    if re.fullmatch(r"\d{4}", s):
        s = f"{s[:2]}.{s[2:]}"
    return s


def _unknown_kab(kab: object) -> ValueError:
    return ValueError(
        f"Kode kabupaten/kota tidak dikenal: {kab!r}. Gunakan kode Kemendagri seperti 33.10 "
        "(Kabupaten Klaten)."
    )


def _load_region(kab: str, r: random.Random) -> _Region:
    names, children = _wilayah()
    code = _normalize_kab(kab)
    if not re.fullmatch(r"\d{2}\.\d{2}", code) or code not in names:
        raise _unknown_kab(kab)
    kec_codes = [c for c in children.get(code, []) if children.get(c)]
    if not kec_codes:
        raise ValueError(f"Kabupaten/kota {code} tidak memiliki data desa/kelurahan.")
    prov = code[:2]
    kab_name = names[code]
    region = _Region(
        prov_code=prov, prov_name=names.get(prov, prov), kab_code=code, kab_name=kab_name,
        kab_short=_short_kab(kab_name), is_kota=int(code[3:5]) >= 71,
        kec_codes=kec_codes, kec_names=[names[c] for c in kec_codes],
        kec6=[int(c.replace(".", "")) for c in kec_codes], kec_desas=[], desas=[],
        prov_outside_kec6=[], other_kec6=[], kec6_place={},
    )
    for ki, kc in enumerate(kec_codes):
        idx = []
        for dc in children[kc]:
            kel = dc[9] == "1"
            dn = names[dc]
            d = _Desa(code=dc, name=dn, kec=ki, kec6=region.kec6[ki], kelurahan=kel, slots=[],
                      alamat_style=0, weight=r.lognormvariate(0.0, 0.45) * (1.6 if kel else 1.0))
            _build_desa_layout(d, r)
            idx.append(len(region.desas))
            region.desas.append(d)
        region.kec_desas.append(idx)
    # Kecamatan outside the kab for NIKs first registered elsewhere.
    for kcode, kname in names.items():
        if len(kcode) != 8 or kcode.startswith(code + "."):
            continue
        k6 = int(kcode.replace(".", ""))
        kab_of = kcode[:5]
        region.kec6_place[k6] = _short_kab(names.get(kab_of, kname)).upper().replace(",", "")
        if kcode.startswith(prov + "."):
            region.prov_outside_kec6.append(k6)
        else:
            region.other_kec6.append(k6)
    if not region.prov_outside_kec6:
        region.prov_outside_kec6 = region.other_kec6
    for ki, k6 in enumerate(region.kec6):
        region.kec6_place[k6] = region.kec_names[ki].upper().replace(",", "")
    return region


# =============================================================================================
# Name and place pools (upper case, commonest first; used with Zipf-like weights)
# =============================================================================================

_POOLS_TEXT = {
    "M_OLD": """SUKIRMAN PAIMIN WAGIMIN SUPARNO SUTRISNO SUPARMAN SUKIMAN PAIMAN TUKIMAN KASMIN
        SUMARNO SUPARDI PARJO PAIJO SAIMAN NGADIMAN NGATIMIN SUMARDI SUKADI SUWARNO SUYATNO
        SUPRIYADI SUHARDI SUDARNO SUWITO SUKIDI MARDI RAIMAN TUGIMAN WARSITO WARDIMAN WAGIRAN
        SURATMAN SUDIMAN SUKARDI SUPANGAT SUMADI KASIMAN KROMO DARMO SAMIDI SAKIMAN SUGIMAN
        JUMADI JUMINO MARIMAN RUSMAN KASNO SUKIJO SUJADI SUMARTO PARIMIN SURIP SALIMIN GIMAN
        DIMIN SARDI PAWIRO TARMIN TARNO MULYONO HARJONO HARTONO SUKINO KAMIJO SUROSO SUWARDI
        SUGENG SLAMET SUPRIH NGATIJO NGADINO SUBANDI SUGIYONO SUTARNO KARTO SASTRO DIMAN SUKARNO
        SUHADI WAKIMAN TUKIJO KARIMIN SAMIN SADIMAN SUBAGYO SUNARDI MUJIMAN POIDI KATIMIN
        SURADI SARIMIN TUMIJAN SUKIRNO DARSONO WIYONO ATMO REJO DIKROMO HADI WIRYO PRAPTO
        MARTO SUPONO DALIMIN KADIMAN LAGIMAN PONIMAN RUBIMAN SAGIMIN TEMON JAYUS""",
    "M_MID": """BUDI AGUS EKO JOKO BAMBANG SLAMET HERU HADI ARIF ANDI YANTO HERI WAHYU DEDI IWAN
        ROHMAT SUGENG ANTON TEGUH PRIYO PURWANTO GUNAWAN HARYANTO SUSILO SUHARTO RIYANTO
        SUPRIYANTO DARSONO ANANG BENNY DODI EDI FAJAR GATOT HENDRO IMAM JUMADI KUSNO LILIK
        MUJIONO NANANG PARNO RAHMAT SAMSUL TONI UNTUNG WAWAN YUDI ZAENAL ARI BAYU DWI ENDRO
        FERRY GUNTUR HARI INDRA JUNAEDI KUNCORO LUKMAN MARYONO NUR PAMUJI RUDI SIGIT TRI
        WIDODO YULIANTO ADI BOWO DIDIK ERWIN HARTO JARWO KARYADI LASMIN MUJI NGADIRAN PRIYANTO
        RUSDI SAPTO TRIYONO WARNO YOYOK""",
    "M_SUR": """SANTOSO WIBOWO SUSANTO PRASETYO SETIAWAN NUGROHO HIDAYAT SAPUTRA PURNOMO WIDODO
        KURNIAWAN WAHYUDI HARTONO SURYANTO GUNAWAN RIYADI SULISTYO SUPRIYANTO UTOMO HARYADI
        RAHARJO SETIYONO SUSILO WALUYO SISWANTO SUHARTONO WIJAYA PRATAMA FIRMANSYAH HERMAWAN
        SANTOSA MULYADI PAMUNGKAS PRABOWO SUBAGYO SUNARTO SUGIARTO SETYAWAN PURWANTO HANDOKO
        WIRAWAN NUGRAHA SAPUTRO PRIYONO SUDARSONO RAHMAN HARYONO SANTIKO SETIADI WINARNO
        MARGONO SUMARNO TRIYANTO WIBISONO KUSUMA ANGGORO BASUKI CAHYONO DARMAWAN EFENDI
        FAUZI HANDOYO ISWANTO JATMIKO KRISTANTO LAKSONO MURDIYANTO NURCAHYO PAMUJI RAHMANTO
        SETYOKO SUWARTO TAUFIK WIDAYAT YULIANTO ARDIANTO BUDIYANTO DWIYANTO HARSONO MARYANTO""",
    "M_PREFIX": "EKO DWI TRI CATUR PANCA DANU ARI BAYU SRI",
    "M_MOD": """RIZKY FAJAR ADITYA RAFI NAUFAL ARKAN ZIDAN AZKA FARHAN DIMAS BAGAS ANDIKA REZA
        YOGA ILHAM GILANG ALDI RENDI DIKI FIKRI HAFIZ RAFA ALIF FATHAN GALIH AKBAR RAMADHAN BIMA
        DAFFA KENZO ABIMANYU ARYA SATRIA RANGGA DANANG KEVIN DANU FAHRI IQBAL HANIF YUSUF ALVARO
        ATHALLAH BARRA DZAKY ELVAN FAIZ GIBRAN HAIKAL IRFAN JIBRAN KHALIF LUTFI MIRZA NABIL
        OKTA PUTRA RAIHAN SAKHA TAMA UMAR VINO WILDAN XAVIER YASIN ZAKI ABDUL ABI ADAM AJI
        ANGGA ARDI AXEL BAYU BINTANG DAVA DIKA ERLANGGA FEBRI GALANG HERU ILYAS KAFKA""",
    "M_MOD2": """PRATAMA SAPUTRA RAMADHAN MAULANA FIRMANSYAH NUGRAHA ALFARIZI AKBAR HIDAYAT SETIAWAN
        PRASETYO WIBOWO ADITYA KURNIAWAN SYAHPUTRA ALFATIH ARDIANSYAH SANJAYA PERMANA WIJAYA
        RIZKI FAUZAN HAKIM ARRASYID ALGHIFARI DWI NUR PUTRA ANANDA FEBRIANSYAH KUSUMA WARDANA
        PAMUNGKAS MAHENDRA DIRGANTARA ARSYAD ZULKARNAIN SAKTI YUDHA BAGASKARA AL FATIH""",
    "ISL_M_PRE": "AHMAD ABDUL ALI HASAN MOHAMAD ABDUL UMAR",
    "ISL_M_2": """ROHMAN ROSYID KHOLIK AZIZ MALIK HAMID KARIM SYUKUR MUHTAR BASIR FAUZI MANSUR
        ROZAK SAMAD GHOFUR WAHAB JALIL KHOLIL ANWAR ZAINUDIN HASYIM MUHSIN NASIR SALIM SYAFII
        YAHYA ZUHRI ARIFIN MUSTOFA RIDWAN SODIQ THOHIR JUNAIDI MAKSUM BADRUN FAQIH""",
    "MUH": "MUHAMMAD MUHAMAD MOHAMMAD MOCHAMMAD MOCHAMAD MOHAMAD MOH. MUH.",
    "F_OLD": """PAINEM SUKIYEM TUMINAH WAGIYEM SAINEM NGATINEM PARMI SARMI JUMINAH MARYATI
        SUPARMI TUKIYEM SUMINAH SAMINAH KASINAH PAIRAH SUKINAH WARSINAH NGADINEM NGATIYEM
        TUGINEM SURATMI SUWARNI SUMARNI SUKARNI SUPARTI SUYATI SUMIATI SUKIRAH SAMIYEM KAMINAH
        RUBINEM TUMIRAH MARSINAH SARIYEM TENTREM WARTINI WAGINAH JUMIYEM KATIYEM SUTINAH
        SUWARTI SADINAH MUJIYEM PONIYEM PAINAH DALIYEM SURTINI LASIYEM SUWANTI SUKARTI GINAH
        PARINEM SUMIYATI SURANTI WARSIYEM TUMIYEM NGATMINAH RASINAH KARSIH SANIYEM MARINAH
        WAKIYEM TARMI JAMINAH PARNI SUGIYEM RUKMINI DARMI KASMIYATI LEGIYEM SUPINAH TUKINEM
        MISIYEM SITI""",
    "F_PRE": "SRI ENDANG TRI DWI SITI EKA NUR RETNO TITIK",
    "F_MID": """RATNA DEWI INDAH RINA YULI SUSI WIWIK NINIK TUTIK LILIK YAYUK ENY ERNA HENY ISTI
        ANI RINI ATIK ANIK WAHYU ENDAH FITRI LINA MAYA NOVI PUJI RUSMI SARI TRI UMI WATI ARUM
        DIAH ERNI HANIK IKA KUSNUL LESTARI MARIA NUNUK PURWATI RETNO SETYO TANTI WINARTI""",
    "F_SUR": """LESTARI WAHYUNI RAHAYU HANDAYANI WULANDARI SUSANTI SURYANI KURNIASIH RAHMAWATI
        PUSPITASARI ASTUTI FITRIANI ANGGRAINI PURWANTI SETYOWATI MULYANI UTAMI SAFITRI
        SUSILOWATI HARTATI WIDYASTUTI NINGSIH PURWANINGSIH SRIYANI SULISTYOWATI RAHMADANI
        HIDAYAH MARYANI YULIANTI KUSUMAWATI NURHAYATI SUPRIYATI WINARSIH HASTUTI ARIYANTI
        HERAWATI SUMARNI PRATIWI KURNIAWATI SETIANINGSIH WIDAYATI SUPRAPTI SUHARTINI SUMIYATI
        RAHMAYANTI YUNIARTI WIDIASTUTI NURHIDAYATI MURYANI SUWARNI INDRIYANI ARYANI DAMAYANTI
        ERNAWATI FATIMAH JUMIATI KARTIKA LISTYANINGSIH MARLINA NOVITASARI PANGESTUTI""",
    "F_MOD": """AISYAH NAYLA KEISHA ZAHRA PUTRI AULIA SALSABILA NADIA ANISA DINDA FITRI AYU DEWI
        INTAN NOVITA SINTA TIARA AMELIA CITRA NABILA KHANZA ALMIRA ARUNI AZZAHRA FARAH HANA
        LAILA MELATI NAURA QUEENSHA RARA SHAFIRA SYIFA VANIA YASMIN ZASKIA ADINDA ALYA ANINDYA
        BUNGA CHELSEA DAFINA ELSA FAIZA GHINA HAURA IFFAH JASMINE KIRANA LATIFAH MUTIARA NAJWA
        OLIVIA QIANA RANIA SALWA TALITHA VIONA WULAN YUNITA ZAHIRA ANGGUN DESI EKA FEBY""",
    "F_MOD2": """PUTRI RAMADHANI AZZAHRA LESTARI WULANDARI ANGGRAINI SAFITRI PRATIWI MAHARANI AINI
        KHAIRUNNISA AULIA RAHMAWATI SEPTIANI OKTAVIANI NOVITASARI PERMATASARI KUSUMA ANJANI
        NURAINI ZAHRANI AMALIA FEBRIANTI CAHYANI SALSABILA ARIFIN HIDAYAH NINGRUM UTAMI
        KIRANA MAHARDIKA SYAKILA AZ ZAHRA RAHMADANI ISLAMIAH""",
    "ISL_F_2": """AMINAH FATIMAH KHOTIJAH ROFIAH MUSLIMAH ZULAIKHA MAIMUNAH ROHMAH HALIMAH SHOLIHAH
        MUNAWAROH KHOIRIYAH NURJANAH ZAENAB ASIYAH MARYAM SAFIYAH ROKHAYAH MUTMAINAH
        NURHASANAH ROHIMAH SA'ADAH MASRUROH KHUSNUL JAMILAH NAFISAH UMAYAH ROSIDAH""",
    "C_M": """YOHANES ANTONIUS FRANSISKUS PAULUS PETRUS STEFANUS YOSEF AGUSTINUS IGNATIUS MARKUS
        LUKAS MATIUS YAKOBUS ALOYSIUS BENEDIKTUS VINSENSIUS GREGORIUS ANDREAS MIKAEL TIMOTIUS
        DANIEL YOSUA SAMUEL FILIPUS THOMAS ROBERTUS BERNARDUS VALENTINUS DOMINIKUS KRISTIANUS""",
    "C_F": """MARIA THERESIA FRANSISKA AGNES ELISABETH KATARINA VERONIKA BERNADETA CHRISTINA
        MAGDALENA YOHANA ANASTASIA MONIKA SESILIA RUTH DEBORA MARTINA SKOLASTIKA BRIGITA
        YULIANA LUSIA CLARA ROSALIA REGINA""",
    "DUSUN_PRE": """KARANG SIDO SUKO TEGAL KEDUNG WATU BANYU PUCANG JATI GUNUNG PLOSO BULU SAMBI
        BENDO GONDANG KEPUH SEMPU TAMBAK SUMBER DUWET NGARAN KRAJAN GEDONG TAMAN KEMBANG CANDI
        MANGGIS NGEMPLAK JOMBOR TANJUNG SOKA BAKALAN GUMUK KLAMPOK PANDEAN NGLINGGI KWARASAN""",
    "DUSUN_SUF": "REJO MULYO SARI HARJO ANYAR ASRI JAYA WARU MAKMUR AGUNG LUHUR DADI TIRTO",
    "DIR": "LOR KIDUL WETAN KULON TENGAH",
    "STREET": """PEMUDA DIPONEGORO SUDIRMAN AHMAD_YANI PAHLAWAN MERDEKA VETERAN KARTINI MAWAR
        MELATI ANGGREK KENANGA CEMPAKA DAHLIA FLAMBOYAN SLAMET_RIYADI GATOT_SUBROTO
        PANDANARAN RONGGOWARSITO SISINGAMANGARAJA KI_HAJAR_DEWANTARA CUT_NYAK_DIEN
        MOH._HATTA SUTOMO ADI_SUCIPTO MANGGA RAMBUTAN SAWO DURIAN""",
    "CITY": """JAKARTA SURABAYA BANDUNG SEMARANG YOGYAKARTA SURAKARTA MEDAN MAKASSAR BOGOR
        BEKASI TANGERANG MALANG DENPASAR PALEMBANG LAMPUNG BATAM""",
}


@lru_cache(maxsize=1)
def _pools() -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for key, text in _POOLS_TEXT.items():
        seen: list[str] = []
        for w in text.split():
            w = w.replace("_", " ")
            if w not in seen:
                seen.append(w)
        out[key] = seen
    return out


def _zipf_table(items: Sequence[str], s: float = 0.85, size: int = 2048) -> list[str]:
    """A lookup table in which item i appears about size/(i+1)^s times (at least once)."""
    w = [1.0 / (i + 1) ** s for i in range(len(items))]
    tot = sum(w)
    table: list[str] = []
    for it, x in zip(items, w):
        table.extend([it] * max(1, round(x / tot * size)))
    return table


# Name patterns per (female, cohort): weight and the pools of the words, in order.
_PATTERNS: dict[tuple[int, int], list[tuple[int, tuple[str, ...]]]] = {
    (0, 0): [(60, ("M_OLD",)), (12, ("M_OLD", "M_OLD")), (10, ("ISL_M_PRE", "ISL_M_2")),
             (5, ("MUH", "ISL_M_2")), (13, ("M_MID", "M_SUR"))],
    (0, 1): [(30, ("M_OLD",)), (38, ("M_MID", "M_SUR")), (8, ("M_MID",)), (9, ("ISL_M_PRE", "ISL_M_2")),
             (5, ("MUH", "ISL_M_2")), (10, ("M_PREFIX", "M_SUR"))],
    (0, 2): [(33, ("M_MID", "M_SUR")), (8, ("M_PREFIX", "M_MID", "M_SUR")), (20, ("M_MOD", "M_MOD2")),
             (10, ("MUH", "M_MOD")), (7, ("ISL_M_PRE", "ISL_M_2")), (10, ("M_OLD",)),
             (12, ("M_PREFIX", "M_SUR"))],
    (0, 3): [(38, ("M_MOD", "M_MOD2")), (20, ("M_MOD", "M_MOD2", "M_MOD2")), (14, ("MUH", "M_MOD", "M_MOD2")),
             (10, ("MUH", "M_MOD")), (6, ("M_MOD",)), (12, ("M_PREFIX", "M_MOD"))],
    (1, 0): [(63, ("F_OLD",)), (15, ("F_PRE", "ISL_F_2")), (10, ("F_PRE", "F_SUR")), (12, ("F_PRE", "F_OLD"))],
    (1, 1): [(25, ("F_OLD",)), (33, ("F_PRE", "F_SUR")), (15, ("F_PRE", "ISL_F_2")), (9, ("F_SUR",)),
             (18, ("F_MID", "F_SUR"))],
    (1, 2): [(33, ("F_MID", "F_SUR")), (15, ("F_PRE", "F_SUR")), (10, ("F_PRE", "ISL_F_2")),
             (20, ("F_MOD", "F_MOD2")), (10, ("F_PRE", "F_MID", "F_SUR")), (4, ("F_OLD",)),
             (8, ("F_PRE", "F_MOD"))],
    (1, 3): [(40, ("F_MOD", "F_MOD2")), (24, ("F_MOD", "F_MOD2", "F_MOD2")), (10, ("F_PRE", "F_MOD", "F_MOD2")),
             (6, ("F_MOD",)), (10, ("F_MID", "F_MOD2")), (10, ("F_PRE", "F_MOD"))],
}


class _Names:
    """Vectorised name maker: Zipf tables per pool and weighted patterns per sex and cohort."""

    POOL = 3000   # mothers' names that are not in the family come from a pool per cohort

    def __init__(self, g: np.random.Generator) -> None:
        self.g = g
        tables = {k: np.array(_zipf_table(v), dtype=object) for k, v in _pools().items()}
        self.pat: list[list[tuple[np.ndarray, list[tuple[np.ndarray, ...]]]]] = [[], []]
        for (female, cohort), pats in sorted(_PATTERNS.items()):
            cum = np.cumsum([w for w, _ in pats], dtype=float)
            self.pat[female].append((cum / cum[-1], [tuple(tables[k] for k in ks) for _, ks in pats]))
        self.c_m, self.c_f = tables["C_M"], tables["C_F"]
        self.mother_pool: list[str] = []
        for cohort in range(4):
            self.mother_pool += self.make(1, cohort, self.POOL)

    def make(self, female: int, cohort: int, m: int) -> list[str]:
        g = self.g
        cum, pats = self.pat[female][cohort]
        which = np.searchsorted(cum, g.random(m), side="right")
        out: list[str] = [""] * m
        for k, pat in enumerate(pats):
            pos = np.nonzero(which == k)[0]
            if not len(pos):
                continue
            cols = [tbl[g.integers(0, len(tbl), len(pos))].tolist() for tbl in pat]
            if len(cols) == 1:
                made = cols[0]
            else:   # dict.fromkeys drops a repeated word ("WIDODO WIDODO")
                made = [" ".join(dict.fromkeys(t)) for t in zip(*cols)]
            for i, nm in zip(pos.tolist(), made):
                out[i] = nm
        return out


def _cohort(year: int) -> int:
    return 0 if year < 1955 else 1 if year < 1980 else 2 if year < 2000 else 3


def _build_desa_layout(d: _Desa, r: random.Random) -> None:
    pools = _pools()
    pre, suf, dirs = pools["DUSUN_PRE"], pools["DUSUN_SUF"], pools["DIR"]
    n_dusun = r.randint(2, 5) if d.kelurahan else r.randint(3, 9)
    names: list[str] = []
    while len(names) < n_dusun:
        x = r.random()
        if x < 0.45:
            nm = r.choice(pre) + r.choice(suf)
        elif x < 0.75:
            nm = r.choice(pre)
        else:
            nm = r.choice(pre) + " " + r.choice(dirs)
        if nm not in names:
            names.append(nm)
    rw = 0
    rt = 0
    for nm in names:
        for _ in range(r.choice((1, 1, 1, 2, 2, 3))):
            rw += 1
            for _ in range(r.randint(2, 7)):
                rt += 1
                d.slots.append((nm, rw, rt))
    d.alamat_style = r.randrange(4)
