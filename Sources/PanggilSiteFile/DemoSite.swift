/// The demo site: a hall modelled on MPP Kota Tegal "Alaya Sewagati". `panggil site demo` prints it as
/// a starting point for a real site file.
public let demoYAML = #"""
# Panggil site file: the demo, modelled on MPP Kota Tegal "Alaya Sewagati".
# Copy it (`panggil site demo > situs.yaml`), edit, then `panggil serve --config situs.yaml`.
name: "MPP Kota Tegal — Alaya Sewagati"
timezone: Asia/Jakarta
languages: [id, en]
# Call-next takes priority tickets (elderly, disabled, pregnant) first.
# Alternative: `call_policy: {interleave: 3}` calls one priority ticket after every three regular ones.
call_policy: priority_first
# The demo issues tickets at any hour so that it can be tried in the evening;
# a real site sets this to true so that tickets are refused outside opening hours.
enforce_hours: false
hours:
  senin-kamis: "08.00-15.00"
  jumat: ["08.00-11.00", "13.00-15.00"]
  sabtu: "08.00-12.00"

# How calls are said: the number as a value ("dua belas"; `digits`: "satu dua"), without the service
# name, once, in Indonesian. A call the loudspeakers could not play within two minutes is dropped.
speech: {numbers: value, say_service: false, repeat: 1, max_age_seconds: 120, languages: [id]}

# Each zone's loudspeakers are one PulseAudio sink (`pactl list short sinks`). The demo plays every
# floor on the computer's own speakers (`default`); zones sharing a sink take turns, never overlap.
zones:
  - {id: lantai-1, name: Lantai 1, sink: default}
  - {id: lantai-2, name: Lantai 2, sink: default}
  - {id: lantai-3, name: Lantai 3, sink: default, volume: 90}

agencies:
  - {id: disdukcapil, name: Dinas Kependudukan dan Pencatatan Sipil}
  - {id: polres, name: Polres Tegal Kota}
  - {id: samsat, name: Samsat Kota Tegal}
  - {id: bpjs-kes, name: BPJS Kesehatan}
  - {id: bpjs-tk, name: BPJS Ketenagakerjaan}
  - {id: imigrasi, name: Kantor Imigrasi Pemalang}
  - {id: pajak, name: KPP Pratama Tegal}
  - {id: bpn, name: Kantor Pertanahan Kota Tegal}
  - {id: pdam, name: Perumda Air Minum Tirta Bahari}
  - {id: dpmptsp, name: DPMPTSP Kota Tegal}
  - {id: kemenag, name: Kementerian Agama Kota Tegal}
  - {id: bank-jateng, name: Bank Jateng}

services:
  - {code: A, name: KTP Elektronik, spoken_name: "ka te pe elektronik", agency: disdukcapil, daily_quota: 150, typical_minutes: 8}
  - {code: B, name: Kartu Keluarga, spoken_name: "kartu keluarga", agency: disdukcapil, daily_quota: 120, typical_minutes: 10}
  - {code: C, name: Akta Kelahiran dan Kematian, spoken_name: "akta", agency: disdukcapil, daily_quota: 80, typical_minutes: 12}
  - {code: D, name: SKCK, spoken_name: "es ka ce ka", agency: polres, daily_quota: 100, typical_minutes: 10}
  - {code: E, name: Pajak Kendaraan, spoken_name: "pajak kendaraan", agency: samsat, typical_minutes: 6}
  - {code: F, name: BPJS Kesehatan, spoken_name: "be pe je es kesehatan", agency: bpjs-kes, typical_minutes: 12}
  - {code: G, name: BPJS Ketenagakerjaan, spoken_name: "be pe je es ketenagakerjaan", agency: bpjs-tk, typical_minutes: 12}
  - {code: H, name: Paspor, spoken_name: "paspor", agency: imigrasi, daily_quota: 60, typical_minutes: 15,
     hours: {senin-jumat: "08.00-14.00"}}
  - {code: J, name: NPWP dan SPT, spoken_name: "pajak", agency: pajak, typical_minutes: 10}
  - {code: K, name: Pertanahan, spoken_name: "pertanahan", agency: bpn, daily_quota: 50, typical_minutes: 15}
  - {code: L, name: Layanan PDAM, spoken_name: "pe de a em", agency: pdam, typical_minutes: 7}
  - {code: M, name: Perizinan Berusaha (OSS), spoken_name: "perizinan", agency: dpmptsp, typical_minutes: 15}
  - {code: N, name: Izin Bangunan (PBG), spoken_name: "persetujuan bangunan gedung", agency: dpmptsp, typical_minutes: 20}
  - {code: P, name: Pendaftaran Haji, spoken_name: "pendaftaran haji", agency: kemenag, daily_quota: 30, typical_minutes: 20}
  - {code: R, name: Konsultasi Nikah, spoken_name: "konsultasi nikah", agency: kemenag, typical_minutes: 15}
  - {code: S, name: Bank Jateng, spoken_name: "bank jateng", agency: bank-jateng, typical_minutes: 8}

counters:
  # Lantai 1: population records, police, vehicle tax, bank.
  - {number: 1, zone: lantai-1, services: [A]}
  - {number: 2, zone: lantai-1, services: [A, B]}
  - {number: 3, zone: lantai-1, services: [B, C]}
  - {number: 4, zone: lantai-1, services: [C, A]}
  - {number: 5, zone: lantai-1, services: [D]}
  - {number: 6, zone: lantai-1, services: [D]}
  - {number: 7, zone: lantai-1, services: [E]}
  - {number: 8, zone: lantai-1, services: [E]}
  - {number: 9, zone: lantai-1, services: [S]}
  # Lantai 2: social security, immigration, tax, land, water.
  - {number: 10, zone: lantai-2, services: [F]}
  - {number: 11, zone: lantai-2, services: [F]}
  - {number: 12, zone: lantai-2, services: [G]}
  - {number: 13, zone: lantai-2, services: [H]}
  - {number: 14, zone: lantai-2, services: [H]}
  - {number: 15, zone: lantai-2, services: [J]}
  - {number: 16, zone: lantai-2, services: [K]}
  - {number: 17, zone: lantai-2, services: [L]}
  # Lantai 3: licensing and religious affairs, served at desks and a consultation room.
  - {number: 18, zone: lantai-3, services: [M, N], destination: meja}
  - {number: 19, zone: lantai-3, services: [M, N], destination: meja}
  - {number: 20, zone: lantai-3, services: [N], destination: meja}
  - {number: 21, zone: lantai-3, services: [P], destination: meja}
  - {number: 22, zone: lantai-3, services: [R], destination: ruang}

# Screens: point a TV's browser at http://<server>:8080/d/<name> (e.g. /d/lobi). `speaker: true` makes
# one display per zone play that zone's calls through the TV's own speakers.
displays:
  - {name: lobi, layout: hall, zone: lantai-1, title: Lantai 1}
  - {name: lantai-2, layout: hall, zone: lantai-2, title: Lantai 2, theme: light}
  - {name: lantai-3, layout: portrait, zone: lantai-3, title: Lantai 3}
  - {name: loket-1, layout: counter, counter: 1}
  - {name: loket-3, layout: counter, counter: 3}
"""#
