"""Build ``data/`` from the transcribed reference tables (run once, by hand).

The transcriptions live outside the repository (``../shared/reference``); this script
records exactly which rows entered ``data/`` and under which original source key, so a
reader can audit every number.  ``data/`` is committed; running this again must reproduce
it byte for byte (``python tools/build_data.py --check``).

Usage: python tools/build_data.py [REFERENCE_DIR] [--check]
"""

from __future__ import annotations

import csv
import io
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"

# ---------------------------------------------------------------------------------------
# Bibliography: key -> (citation, transcribed_via, verified)
# `verified` says whether the bibliographic details were checked against the publication
# itself ("yes") or are as reported by the transcription ("as_cited").
SOURCES = {
    "tsu1928": (
        "TsSU SSSR. Vsesoyuznaya perepis naseleniya 17 dekabrya 1926 g. Kratkie svodki, "
        "vyp. 9-10; and Vsesoyuznaya perepis naseleniya 1926 goda, t. 17. Moscow: TsSU, "
        "1928-1929 (single-year ages: vol. 9 pp. 122-125, vol. 17 pp. 46-49)",
        "S.P. Oboguev, RTSS repository, population_data/USSR/census/1926; Demoscope sng_age_26",
        "as_cited",
    ),
    "zhiromskaya_polyakov2007": (
        "Zhiromskaya V.B., Polyakov Yu.A. (eds). Vsesoyuznaya perepis naseleniya 1937 goda: "
        "obshchie itogi. Sbornik dokumentov i materialov. Moscow: ROSSPEN, 2007 "
        "(age table pp. 77-84; Red Army p. 244; NKVD contingents p. 251)",
        "S.P. Oboguev, RTSS repository, population_data/USSR/census/1937 and note.txt",
        "as_cited",
    ),
    "rgae1939": (
        "RGAE (Russian State Archive of the Economy) f. 1562, op. 336, d. 604: final "
        "tabulation of the 1939 census by sex and single year of age (table f.11)",
        "S.P. Oboguev, RTSS repository, population_data/USSR/census/1939; Demoscope",
        "as_cited",
    ),
    "polyakov1992": (
        "Polyakov Yu.A. (ed.). Vsesoyuznaya perepis naseleniya 1939 goda: osnovnye itogi. "
        "Moscow: Nauka, 1992",
        "S.P. Oboguev, RTSS repository",
        "as_cited",
    ),
    "frus1939": (
        "Foreign Relations of the United States, Diplomatic Papers: The Soviet Union "
        "1933-1939, doc. 587 (Chargé Grummon to the Secretary of State, 1939), reporting "
        "the census results published by Gosplan in 1939",
        "history.state.gov, frus1933-39/d587",
        "yes",
    ),
    "tsu1962": (
        "TsSU SSSR. Itogi Vsesoyuznoi perepisi naseleniya 1959 goda. SSSR (svodnyi tom). "
        "Moscow: Gosstatizdat, 1962 (RGAE f. 1562 op. 336 d. 1590-1594)",
        "S.P. Oboguev, RTSS repository, population_data/USSR/census/1959; Demoscope",
        "as_cited",
    ),
    "adh1993": (
        "Andreev E.M., Darsky L.E., Kharkova T.L. Naselenie Sovetskogo Soyuza 1922-1991. "
        "Moscow: Nauka, 1993",
        "S.P. Oboguev, RTSS repository (quotations and digitised tables)",
        "as_cited",
    ),
    "goskomstat1989": (
        "Goskomstat SSSR. Tablitsy smertnosti i ozhidaemoi prodolzhitelnosti zhizni "
        "naseleniya. Moscow, 1989 (official life tables 1926-27, 1938-39, 1958-59)",
        "S.P. Oboguev, RTSS repository, mortality_tables/USSR",
        "as_cited",
    ),
    "tsu1929": (
        "TsSU SSSR. Estestvennoe dvizhenie naseleniya Soyuza SSR v 1926 g. "
        "(Trudy TsSU t. 1 vyp. 2). Moscow, 1929, p. 39",
        "S.P. Oboguev, RTSS repository (population_loss_1926_193x)",
        "as_cited",
    ),
    "tsunkhu1935": (
        "TsUNKhU Gosplana SSSR. Konyunkturnyi obzor za 1930-1934 gg. (secret), births and "
        "deaths in millions, as tabulated in Isupov V.A. Demograficheskie katastrofy i "
        "krizisy v Rossii v pervoi polovine XX veka. Novosibirsk: Sibirskii khronograf, 2000, "
        "table 12.2",
        "studfile.net copy of Isupov 2000",
        "as_cited",
    ),
    "garf9414_spravka": (
        "GARF f. 9414 (GULAG MVD), 'Spravka o smertnosti zaklyuchennykh v sisteme GULAGa za "
        "period 1930-1956 gg.' (OURZ GULAG); footnoted years may cover camps only",
        "docs.historyrussia.org; table on polit.reactor.cc",
        "as_cited",
    ),
    "garf9401_1953": (
        "GARF f. 9401, op. 1, d. 4157, ll. 201-205: certificates of the 1st Special "
        "Department of the MVD SSSR, 11 Dec 1953, on persons sentenced by Cheka-GPU-OGPU-"
        "NKVD-MGB organs 1921-1953",
        "J.O. Pohl, 'Human cost of communism IV'",
        "as_cited",
    ),
    "mvd1954": (
        "Memorandum of Rudenko, Kruglov and Gorshenin to N.S. Khrushchev, 1 Feb 1954 "
        "(GARF f. 9401, op. 2, d. 450), as published by Zemskov V.N., "
        "Sotsiologicheskie issledovaniya 1991 no. 6",
        "studopedia.ru copy of Zemskov",
        "as_cited",
    ),
    "zemskov1991": (
        "Zemskov V.N. 'GULAG (istoriko-sotsiologicheskii aspekt)'. Sotsiologicheskie "
        "issledovaniya, 1991, no. 6 and no. 7",
        "read-book.info and orsk-autogid.ru copies",
        "as_cited",
    ),
    "nkvd1938_operations": (
        "NKVD SSSR summary of the mass operations of 1937-1938 (GARF f. 9401), as quoted "
        "in Rayfield D. Stalin and his Hangmen. London: Viking, 2004, p. 161",
        "bibliboba copy of Rayfield",
        "as_cited",
    ),
    "popov1992": (
        "Popov V.P. 'Gosudarstvennyi terror v Sovetskoi Rossii, 1923-1953 gg.: istochniki i "
        "ikh interpretatsiya'. Otechestvennye arkhivy, 1992, no. 2, p. 28 (from GARF f. 9401, "
        "op. 1, d. 4157, ll. 201-205)",
        "Kurashvili B.P. Istoricheskaya logika stalinizma. Moscow, 1996, pp. 159-160 "
        "(table as reproduced in an appendix on trantor.is)",
        "as_cited",
    ),
    "werth2011": (
        "Werth N. 'Dekulakisation as mass violence'. Online Encyclopedia of Mass Violence, "
        "SciencesPo, 23 Sep 2011 (citing Zemskov 2003; Danilov & Krasilnikov 1993-94)",
        "theconcordreview.blogspot quotation",
        "as_cited",
    ),
    "pobol_polian2005": (
        "Pobol N.L., Polian P.M. (eds). Stalinskie deportatsii 1928-1953. Moscow: "
        "MFD/Materik, 2005, doc. 204 (MVD report of 14 Jan 1949 on special settlers, as of "
        "1 Oct 1948)",
        "standupforhistory.blogspot tabulation",
        "as_cited",
    ),
    "gry1993": (
        "Getty J.A., Rittersporn G.T., Zemskov V.N. 'Victims of the Soviet penal system in "
        "the pre-war years'. American Historical Review 98(4), 1993, 1017-1049",
        "Wikipedia 'Excess mortality in the Soviet Union under Joseph Stalin'",
        "yes",
    ),
    "lorimer1946": (
        "Lorimer F. The Population of the Soviet Union: History and Prospects. Geneva: "
        "League of Nations, 1946",
        "Vishnevsky (ed.) 2006 compilation",
        "yes",
    ),
    "vishnevsky2006": (
        "Vishnevsky A.G. (ed.). Demograficheskaya modernizatsiya Rossii 1900-2000. Moscow: "
        "Novoe izdatelstvo, 2006 (compilation of famine estimates)",
        "LiveJournal ru_history summary",
        "as_cited",
    ),
    "conquest1986": (
        "Conquest R. The Harvest of Sorrow: Soviet Collectivization and the Terror-Famine. "
        "London: Hutchinson, 1986, ch. 16",
        "",
        "yes",
    ),
    "conquest1990": (
        "Conquest R. The Great Terror: A Reassessment. Oxford University Press, 1990",
        "",
        "yes",
    ),
    "conquest1989": (
        "Conquest R. interview/article in National Review, 10 Mar 1989, on the 1968 "
        "Great Terror estimate",
        "fortfreedom.org copy",
        "as_cited",
    ),
    "conquest2007": (
        "Conquest R. The Great Terror: A Reassessment, 40th anniversary edition. Oxford "
        "University Press, 2007, preface",
        "Wikipedia 'Mass killings under communist regimes'",
        "as_cited",
    ),
    "rummel1990": (
        "Rummel R.J. Lethal Politics: Soviet Genocide and Mass Murder since 1917. New "
        "Brunswick: Transaction, 1990",
        "hawaii.edu/powerkills",
        "yes",
    ),
    "courtois1997": (
        "Courtois S. et al. Le Livre noir du communisme. Paris: Robert Laffont, 1997",
        "LA Times 29 Nov 1997",
        "yes",
    ),
    "wheatcroft1996": (
        "Wheatcroft S.G. 'The scale and nature of German and Soviet repression and mass "
        "killings, 1930-45'. Europe-Asia Studies 48(8), 1996, 1319-1353",
        "",
        "yes",
    ),
    "snyder2011": (
        "Snyder T. 'Hitler vs. Stalin: who killed more?' New York Review of Books, "
        "10 Mar 2011",
        "holocaustcontroversies blog summary",
        "yes",
    ),
    "rosefielde1997": (
        "Rosefielde S. 'Documented homicides and excess deaths'. Communist and "
        "Post-Communist Studies 30(3), 1997, 321-331",
        "",
        "yes",
    ),
    "rosefielde2010": (
        "Rosefielde S. Red Holocaust. London: Routledge, 2010",
        "taylorfrancis chapter abstracts",
        "yes",
    ),
    "anderson_silver1985": (
        "Anderson B.A., Silver B.D. 'Demographic analysis and population catastrophes in "
        "the USSR'. Slavic Review 44(3), 1985, 517-536",
        "",
        "as_cited",
    ),
    "dyadkin1983": (
        "Dyadkin I.G. Unnatural Deaths in the USSR, 1928-1954. New Brunswick: Transaction, "
        "1983",
        "taylorfrancis chapter abstract",
        "yes",
    ),
    "medvedev1989": (
        "Medvedev R. in Argumenty i Fakty, Feb 1989",
        "IBTimes 'How many people did Joseph Stalin kill?'",
        "as_cited",
    ),
    "davies_wheatcroft2004": (
        "Davies R.W., Wheatcroft S.G. The Years of Hunger: Soviet Agriculture, 1931-1933. "
        "Basingstoke: Palgrave Macmillan, 2004, p. 401",
        "Wikipedia 'Excess mortality in the Soviet Union under Joseph Stalin'",
        "yes",
    ),
    "davies1997": (
        "Davies R.W. 'Forced labour under Stalin: the archive revelations' (reply to "
        "Robert Conquest). New Left Review I/225, 1997",
        "",
        "yes",
    ),
    "kotkin2017": (
        "Kotkin S. Stalin, vol. 2: Waiting for Hitler, 1929-1941. New York: Penguin, 2017",
        "bibliboba copy",
        "yes",
    ),
    "ellman2000": (
        "Ellman M. 'The 1947 Soviet famine and the entitlement approach to famines'. "
        "Cambridge Journal of Economics 24(5), 2000, 603-630",
        "",
        "yes",
    ),
    "ellman2002": (
        "Ellman M. 'Soviet repression statistics: some comments'. Europe-Asia Studies "
        "54(7), 2002, 1151-1172",
        "Wikipedia 'Great Purge' copies",
        "as_cited",
    ),
    "ellman2005": (
        "Ellman M. 'The role of leadership perceptions and of intent in the Soviet famine "
        "of 1931-1934'. Europe-Asia Studies 57(6), 2005, 823-841",
        "Wikipedia 'Soviet famine of 1930-1933' (2008)",
        "as_cited",
    ),
    "ograda_famine": (
        "O Grada C. Famine: A Short History. Princeton University Press, 2009 (tables of "
        "famine mortality)",
        "studyslide slides 'The ripple that drowns'",
        "as_cited",
    ),
    "rudnytskyi2015": (
        "Rudnytskyi O., Levchuk N., Wolowyna O., Shevchuk P., Kovbasiuk A. 'Demography of "
        "a man-made human catastrophe: the case of massive famine in Ukraine 1932-1933'. "
        "Canadian Studies in Population 42(1-2), 2015, 53-80",
        "docslib.org copy",
        "yes",
    ),
    "pianciola2001": (
        "Pianciola N. 'The Collectivization Famine in Kazakhstan, 1931-1933'. Harvard Ukrainian "
        "Studies 25(3/4), 2001, 237-251",
        "title and dating only (the famine's core years); figures not used",
        "as_cited",
    ),
    "ohayon2006": (
        "Ohayon I. La sedentarisation des Kazakhs dans l'URSS de Staline: collectivisation et "
        "changement social (1928-1945). Paris: Maisonneuve et Larose, 2006",
        "dating of the Kazakh famine only; figures not used",
        "as_cited",
    ),
    "levchuk2015": (
        "Levchuk N. (Ptoukha Institute of Demography), press conference of 27 November 2015 on "
        "the Ukrainian famine losses: 3.942 M excess deaths 1932-34, about 1 M of them children "
        "under 10 (Kyiv Post, 27 Nov 2015)",
        "kyivpost.com report; Ukrainian MFA site",
        "as_cited",
    ),
    "zarulli2013": (
        "Zarulli V. 'The effect of mortality shocks on the age-pattern of adult mortality'. "
        "Population (English edition) 68(2), 2013, 265ff.",
        "abstract (cairn.info)",
        "as_cited",
    ),
    "mesle_vallin2012": (
        "Mesle F., Vallin J. Mortality and Causes of Death in 20th-Century Ukraine. Demographic "
        "Research Monographs. Dordrecht: Springer, 2012 (ch. 13; e0 in 1933 about 7 men, 11 "
        "women)",
        "chapter abstract (link.springer.com)",
        "as_cited",
    ),
    "volkogonov1989": (
        "Volkogonov D.A. Triumf i tragediya. Moscow: Novosti, 1989",
        "Isupov 2000, ch. 13",
        "as_cited",
    ),
    "alexopoulos2017": (
        "Alexopoulos G. Illness and Inhumanity in Stalin's Gulag. New Haven: Yale "
        "University Press, 2017",
        "AskHistorians quotation",
        "yes",
    ),
    "applebaum2003": (
        "Applebaum A. Gulag: A History. New York: Doubleday, 2003, appendix 'How many?'",
        "",
        "yes",
    ),
    "zhiromskaya1994": (
        "Zhiromskaya V.B. on the falsification of the 1939 census (1994), as cited with "
        "ADH 1993 pp. 30-33 for the size of the additions; full reference not seen",
        "S.P. Oboguev, RTSS repository, population_data/note.txt",
        "as_cited",
    ),
    "tolts_volkov": (
        "Tolts M. 'Itogi perepisi naseleniya SSSR 1939 g.: dve problemy adekvatnosti', "
        "reporting A.G. Volkov's estimate of the 1939 population",
        "cyberleninka copy",
        "as_cited",
    ),
    "census1937_expectations": (
        "Secondary account of the official expectation for the 1937 census: current "
        "registration of births and deaths implied 170-172 M; combining Stalin's reports "
        "one could expect about 180 M (original documents not seen)",
        "Wikipedia '1937 Soviet census'",
        "as_cited",
    ),
    "oreshkin": (
        "Oreshkin D.B. 'Dzhugafiliya i sovetskii statisticheskii epos' (Gosplan forecast for "
        "the Second Five-Year Plan: 180.7 M in 1937)",
        "loveread.ec copy, p. 71",
        "as_cited",
    ),
    "timasheff1948": (
        "Timasheff N.S. 'The postwar population of the Soviet Union'. American Journal of "
        "Sociology 54(2), 1948, 148-155",
        "S.P. Oboguev, RTSS repository, cdbr-194x",
        "as_cited",
    ),
}

CENSUS_SOURCE = {"1926": "tsu1928", "1937": "zhiromskaya_polyakov2007", "1939": "rgae1939", "1959": "tsu1962"}
CENSUS_DATE = {"1926": "1926-12-17", "1937": "1937-01-06", "1939": "1939-01-17", "1959": "1959-01-15"}
CENSUS_TERRITORY = {"1926": "USSR 1926 borders", "1937": "USSR pre-1939 borders",
                    "1939": "USSR pre-1939 borders", "1959": "USSR post-war borders"}


#: Death sentences by year, 1927-1938 (Popov 1992; see popov1992 in SOURCES).
DEATH_SENTENCES_BY_YEAR = {
    1927: 2363, 1928: 869, 1929: 2109, 1930: 20201, 1931: 10651, 1932: 2728, 1933: 2154,
    1934: 2056, 1935: 1229, 1936: 1118, 1937: 353074, 1938: 328618,
}


#: Annual death rates (%) of the kulak special settlers, stated in the same sentence as their
#: deaths (werth2011: "over 90,000 (annual death rate: 6.8%)"; "151,600 (annual death rate:
#: 13.3%)"); the GPU counted 1,317,022 deportees on 1 Jan 1932, near 90,000 / 0.068.
SETTLER_DEATH_RATES = {1932: 6.8, 1933: 13.3}


def write_csv(name: str, header: list[str], rows: list[list], out: dict[str, str]) -> None:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(header)
    w.writerows(rows)
    out[name] = buf.getvalue()


def read(ref: Path, name: str) -> list[dict]:
    with open(ref / name, newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def build(ref: Path) -> dict[str, str]:
    out: dict[str, str] = {}
    fig = {r["key"]: r for r in read(ref, "figures.csv")}

    # --- census counts by single year of age ---------------------------------------
    rows = read(ref, "ussr_census_single_year_ages.csv")
    write_csv(
        "census_age_sex.csv",
        ["census", "area", "sex", "age", "count", "source"],
        [[r["census"], r["area"], r["sex"], r["age"], r["count"], CENSUS_SOURCE[r["census"]]] for r in rows],
        out,
    )
    sums: dict[tuple, int] = {}
    for r in rows:
        if r["area"] == "total":
            sums[(r["census"], r["sex"])] = sums.get((r["census"], r["sex"]), 0) + int(r["count"])
            if r["age"] == "unknown":
                sums[(r["census"], r["sex"], "unknown")] = int(r["count"])

    # --- census totals and special counts -------------------------------------------
    # part_of_total=yes rows of a census and sex add up to its `total` row (validated).
    t = []
    for c in ("1926", "1937", "1939", "1959"):
        for s in ("male", "female"):
            t.append([c, CENSUS_DATE[c], s, "age_table", sums[(c, s)], "yes", CENSUS_SOURCE[c],
                      "single-year table incl. 100+ and unknown age (census_age_sex.csv)",
                      "used as observed, unknown ages spread pro rata over known ages"])
            t.append([c, CENSUS_DATE[c], s, "age_unknown", sums[(c, s, "unknown")], "no",
                      CENSUS_SOURCE[c], "persons of unknown age, inside age_table",
                      "spread pro rata over known ages of the same sex"])
    army = int(fig["census_1937_total"]["value"]) - int(fig["census_1937_age_table_total"]["value"]) - (
        sums[("1937", "male", "unknown")] + sums[("1937", "female", "unknown")])
    t.append(["1937", CENSUS_DATE["1937"], "male", "army_counted_separately", army, "yes",
              "zhiromskaya_polyakov2007",
              "census total minus age table minus unknown age: Red Army and border guards, "
              "counted separately (ADH 1993 p.27 put the gap at 1,944,896 = this + the "
              "63,054 of unknown age)",
              "added to males aged 18-24 (Red Army 1,681,043 men and 1,526 women, "
              "Zhiromskaya & Polyakov 2007 p.244)"])
    t.append(["1937", CENSUS_DATE["1937"], "both", "army_residual_adh",
              int(fig["census_1937_residual_rkka"]["value"]), "no", "adh1993",
              "ADH 1993 p.27: total minus the 0..100+ age table (160,058,329)",
              "not used: includes the unknown-age persons, see army_counted_separately"])
    t.append(["1937", CENSUS_DATE["1937"], "both", "red_army_enumerated",
              int(fig["census_1937_rkka"]["value"]), "no", "zhiromskaya_polyakov2007",
              "Red Army counted by the census (p.244)", "informational"])
    t.append(["1939", CENSUS_DATE["1939"], "both", "published_total",
              int(fig["census_1939_published"]["value"]), "no", "frus1939",
              "total published by Gosplan in June 1939", "alternative to the archival total"])
    totals = {"1926": "census_1926_total", "1937": "census_1937_total",
              "1939": "census_1939_final_rgae", "1959": "census_1959_total"}
    for c, k in totals.items():
        note = {"1926": "enumerated present population", "1937": "report of 14 Mar 1937 incl. army",
                "1939": "archival tabulation; includes the falsifying additions",
                "1959": "post-war borders"}[c]
        src = {"1937": "zhiromskaya_polyakov2007"}.get(c, CENSUS_SOURCE[c])
        t.append([c, CENSUS_DATE[c], "both", "total", int(fig[k]["value"]), "no", src, note,
                  "observed total"])
    t.sort(key=lambda r: (r[0], r[3] != "total", r[3], r[2]))
    write_csv("census_totals.csv",
              ["census", "date", "sex", "item", "count", "part_of_total", "source", "what", "treatment"],
              t, out)

    # --- life tables and fertility ----------------------------------------------------
    lt = read(ref, "ussr_official_life_tables.csv")
    write_csv("life_tables.csv", ["period", "sex", "age", "lx", "dx", "qx", "px", "Lx", "Tx", "ex", "source"],
              [[r[k] for k in ("period", "sex", "age", "lx", "dx", "qx", "px", "Lx", "Tx", "ex")] + ["goskomstat1989"]
               for r in lt], out)
    fr = read(ref, "ussr_asfr_1920_1929.csv")
    write_csv("fertility_1920_1929.csv", ["year", "age_group", "births_per_1000_women", "source"],
              [[r["year"], r["age_group"], r["births_per_1000_women"], "adh1993"] for r in fr], out)

    # --- crude vital rates, registered and reconstructed ------------------------------
    vr = [
        ["1926", "birth_rate", "registered", fig["tssu_cbr_1926_registered"]["value"], "tsu1929", "p.39"],
        ["1926", "death_rate", "registered", fig["tssu_cdr_1926_registered"]["value"], "tsu1929", "p.39"],
        ["1926", "birth_rate", "reconstructed", fig["adh_cbr_1926"]["value"], "adh1993", "p.120"],
        ["1926", "death_rate", "reconstructed", fig["adh_cdr_1926"]["value"], "adh1993", "p.120"],
        ["1927", "birth_rate", "reconstructed", fig["adh_cbr_1927"]["value"], "adh1993", "p.120"],
        ["1927", "death_rate", "reconstructed", fig["adh_cdr_1927"]["value"], "adh1993", "p.120"],
    ]
    write_csv("vital_rates.csv", ["year", "measure", "kind", "per_1000", "source", "locator"], vr, out)
    ev = []
    for y in ("1931", "1932", "1933"):
        ev.append([y, "births", fig[f"tsunkhu_births_{y}"]["value"], "registered_rounded_millions", "tsunkhu1935"])
        ev.append([y, "deaths", fig[f"tsunkhu_deaths_{y}"]["value"], "registered_rounded_millions", "tsunkhu1935"])
    write_csv("vital_events.csv", ["year", "event", "count", "kind", "source"], ev, out)

    # --- archival counts ---------------------------------------------------------------
    ac = []
    for y in range(1930, 1957):
        ac.append(["gulag", y, y, "deaths", fig[f"gulag_deaths_{y}"]["value"],
                   "registered deaths of prisoners in GULAG camps and colonies (some years camps only)",
                   "garf9414_spravka"])
    # The spravka's own total (1,606,748) exceeds the sum of its yearly rows (1,606,742) by 6;
    # only the yearly rows enter data/ (see data/SOURCES.md).
    ac.append(["executions", 1921, 1953, "death_sentences", fig["executions_1921_1953_dec1953_report"]["value"],
               "death sentences by Cheka-GPU-OGPU-NKVD-MGB organs; excludes ordinary courts",
               "garf9401_1953"])
    ac.append(["executions", 1921, 1953, "death_sentences", fig["executions_1921_1953_1954_report"]["value"],
               "death sentences for counter-revolutionary crimes", "mvd1954"])
    ac.append(["executions", 1937, 1938, "deaths", fig["executions_1937_1938"]["value"],
               "shot per NKVD records, 1937-38", "nkvd1938_operations"])
    # Yearly death sentences from the same 1953 report (Popov 1992), not in the reference
    # figures; transcribed from Kurashvili 1996.  The transcription prints 22,728 for 1932;
    # its column then sums to 819,465, not the report's 799,455, while Popov's 2,728 gives
    # 799,465 (the remaining 10 is the report's own): 2,728 is kept.  1930 agrees with the
    # reference figure executions_1930 (20,201).
    for y, n in DEATH_SENTENCES_BY_YEAR.items():
        ac.append(["executions", y, y, "death_sentences", n,
                   "death sentences by Cheka-GPU-OGPU-NKVD organs in the year (sentences, "
                   "not executions; excludes ordinary courts)", "popov1992"])
    assert DEATH_SENTENCES_BY_YEAR[1930] == int(fig["executions_1930"]["value"])
    ac.append(["dekulakisation", 1932, 1932, "deaths", fig["special_settler_deaths_1932"]["value"],
               "deaths among kulak special settlers ('over 90,000'; 6.8% a year)", "werth2011"])
    ac.append(["dekulakisation", 1933, 1933, "deaths", fig["special_settler_deaths_1933"]["value"],
               "deaths among kulak special settlers (13.3% a year)", "werth2011"])
    for grp in ("crimeans", "kalmyks", "n_caucasus", "turks_kurds", "germans", "total"):
        ac.append(["deportations", 1941, 1948, "deaths", fig[f"deported_{grp}_deaths_to_1948"]["value"],
                   f"deaths among deported special settlers to 1 Oct 1948: {grp.replace('_', ' ')}",
                   "pobol_polian2005"])
    write_csv("archival_counts.csv", ["cause", "year_start", "year_end", "measure", "count", "coverage", "source"], ac, out)

    # --- custodial stocks: the average population whose recorded deaths a series counts ----
    # Each is the series' own deaths divided by its own death rate (the same table or the
    # same sentence), so a stock is never taken from a second source.  The archival
    # observation adds the deaths this stock would have had at baseline mortality: recorded
    # deaths are all deaths of the stock, excess deaths only their surplus.
    cs = []
    for y in range(1930, 1957):
        deaths = int(fig[f"gulag_deaths_{y}"]["value"])
        rate = float(fig[f"gulag_death_rate_{y}"]["value"])
        cs.append(["gulag", y, int(round(deaths / (rate / 100.0), -2)),
                   f"deaths {deaths} / death rate {rate}% of the average prisoner population",
                   "garf9414_spravka"])
    for y, rate in SETTLER_DEATH_RATES.items():
        deaths = int(fig[f"special_settler_deaths_{y}"]["value"])
        cs.append(["dekulakisation", y, int(round(deaths / (rate / 100.0), -2)),
                   f"deaths {deaths} / annual death rate {rate}% of the deportees",
                   "werth2011"])
    write_csv("custodial_stocks.csv", ["cause", "year", "stock", "derivation", "source"], cs, out)

    # --- territorial changes -----------------------------------------------------------
    write_csv("territorial_changes.csv",
              ["date", "change", "population", "low", "high", "source", "what"],
              [["1940-01-01", "annexations_1939_40", fig["annexed_pop_adh_border_diff"]["value"], 20000000, 23000000,
                "adh1993", "ADH 1 Jan 1939 population in 1946 borders minus 1938 borders (pp.122-126)"]], out)

    # --- published claims -------------------------------------------------------------
    # (claim key in figures.csv, author, publication year, estimand it is compared with, source)
    claims = [
        ("total_conquest_1968", "Conquest", 1968, "ladder:4", "conquest1989"),
        ("total_conquest_2007", "Conquest", 2007, "ladder:4", "conquest2007"),
        ("total_conquest_1930_38_davies_reading", "Conquest (as read by Davies)", 1997, "ladder:4r", "davies1997"),
        ("total_black_book_ussr", "Courtois et al.", 1997, "ladder:4", "courtois1997"),
        ("total_rummel_1917_1987", "Rummel", 1990, "ladder:4", "rummel1990"),
        ("rummel_collectivization_1928_35", "Rummel", 1990, "ladder:4", "rummel1990"),
        ("rummel_great_terror_1935_38", "Rummel", 1990, "ladder:2", "rummel1990"),
        ("total_wheatcroft_purposive", "Wheatcroft", 1996, "ladder:1", "wheatcroft1996"),
        ("total_wheatcroft_neglect", "Wheatcroft", 1996, "custodial", "wheatcroft1996"),
        ("total_snyder_deliberate", "Snyder", 2011, "ladder:2", "snyder2011"),
        ("total_rosefielde_1997", "Rosefielde", 1997, "ladder:4", "rosefielde1997"),
        ("total_rosefielde_red_holocaust", "Rosefielde", 2010, "ladder:4", "rosefielde2010"),
        ("total_anderson_silver", "Anderson & Silver", 1985, "ladder:4r", "anderson_silver1985"),
        ("total_grz_characterised", "Getty, Rittersporn & Zemskov (as characterised by Rosefielde)", 1993,
         "ladder:4", "rosefielde1997"),
        ("total_dyadkin_1928_36", "Dyadkin", 1983, "ladder:5", "dyadkin1983"),
        ("total_medvedev_1989", "Medvedev", 1989, "ladder:4", "medvedev1989"),
        ("famine_1932_33_ussr_davies_wheatcroft", "Davies & Wheatcroft", 2004, "famine_excess",
         "davies_wheatcroft2004"),
        ("famine_1932_33_ussr_adh", "Andreev, Darsky & Kharkova", 1993, "famine_excess", "vishnevsky2006"),
        ("famine_1932_33_ussr_lorimer_1946", "Lorimer", 1946, "famine_excess", "lorimer1946"),
        ("famine_1932_33_ussr_urlanis_1974", "Urlanis", 1974, "famine_excess", "vishnevsky2006"),
        ("famine_1932_33_ussr_wheatcroft_1981", "Wheatcroft", 1981, "famine_excess", "vishnevsky2006"),
        ("famine_1932_33_ussr_anderson_silver_1985", "Anderson & Silver", 1985, "famine_excess",
         "vishnevsky2006"),
        ("famine_1932_33_ussr_conquest_1986", "Conquest", 1986, "famine_excess", "vishnevsky2006"),
        ("famine_1932_33_ussr_maksudov_1982", "Maksudov", 1982, "famine_excess", "vishnevsky2006"),
        ("famine_1932_33_ussr_tsaplin_1989", "Tsaplin", 1989, "famine_excess", "vishnevsky2006"),
        ("famine_1932_33_ussr_ivnitsky_1995", "Ivnitsky", 1995, "famine_excess", "vishnevsky2006"),
        ("famine_1932_33_ussr_wheatcroft_1990", "Wheatcroft", 1990, "famine_excess", "vishnevsky2006"),
        ("famine_1931_33_ussr_kotkin", "Kotkin", 2017, "famine_excess", "kotkin2017"),
        ("famine_1932_33_ussr_ograda", "O Grada", 2009, "famine_excess", "ograda_famine"),
        ("famine_repression_1930_33_ellman", "Ellman", 2005, "ladder:4r", "ellman2005"),
        ("famine_ussr_conquest_hos", "Conquest", 1986, "famine_excess", "conquest1986"),
        ("dekulakisation_deaths_conquest", "Conquest", 1986, "cause:dekulakisation", "conquest1986"),
        ("famine_1946_47_ellman", "Ellman", 2000, "cause:famine_1946_47", "ellman2000"),
        ("repression_deaths_1937_38_ellman", "Ellman", 2002, "ladder:2", "ellman2002"),
        ("volkogonov_death_sentences_1937_38", "Volkogonov", 1989, "ladder:1", "volkogonov1989"),
        ("conquest_executed_1937_38", "Conquest", 1990, "ladder:1", "conquest1990"),
        ("conquest_camp_deaths_1937_38", "Conquest", 1990, "cause:gulag", "conquest1990"),
        ("gulag_deaths_alexopoulos", "Alexopoulos", 2017, "cause:gulag", "alexopoulos2017"),
        ("kulak_deportee_deaths_1930_31", "Werth", 2011, "cause:dekulakisation", "werth2011"),
        ("deportee_deaths_1930_1933", "Werth", 2011, "cause:dekulakisation", "werth2011"),
        ("census_1926_undercount_conquest", "Conquest", 1986, "undercount_1926", "conquest1986"),
        ("census_1939_falsification", "Zhiromskaya", 1994, "padding_1939", "zhiromskaya1994"),
        ("census_1939_true_volkov", "Volkov (reported by Tolts)", 1990, "population_1939", "tolts_volkov"),
        ("expected_1937_registration", "TsUNKhU registration tally", 1937, "expected_population_1937",
         "census1937_expectations"),
        ("gosplan_2nd_fyp_pop_1937", "Gosplan, Second Five-Year Plan", 1934, "expected_population_1937",
         "oreshkin"),
    ]
    cl = []
    for key, author, year, estimand, src in claims:
        r = fig[key]
        period = r["year_or_period"]
        cl.append([key, author, year, r["value"], r["low"], r["high"], estimand, period,
                   r["territory"], r["what"], src])
    write_csv("published_claims.csv",
              ["claim", "author", "year", "figure", "low", "high", "estimand", "period", "territory",
               "what", "source"], cl, out)

    # --- bibliography -----------------------------------------------------------------
    write_csv("sources.csv", ["key", "citation", "transcribed_via", "verified"],
              [[k, *v] for k, v in sorted(SOURCES.items())], out)
    return out


def main(argv: list[str]) -> int:
    check = "--check" in argv
    args = [a for a in argv if not a.startswith("--")]
    ref = Path(args[0]) if args else ROOT.parent / "shared" / "reference"
    out = build(ref)
    stale = []
    for name, text in out.items():
        path = DATA / name
        if check:
            if not path.exists() or path.read_text(encoding="utf-8") != text:
                stale.append(name)
        else:
            path.write_text(text, encoding="utf-8")
    if stale:
        print("data/ differs from the build:", ", ".join(stale))
        return 1
    print(f"{'checked' if check else 'wrote'} {len(out)} files in {DATA}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
