import type { CancellationPolicyInput, MovieInput, ScreenLayout, ShowtimeInput } from "@boxoffice/contracts";

type Cell = ScreenLayout["rows"][number]["seats"][number];

/** A row of `count` seats numbered from 1, with aisles after the given seat numbers. */
function row(
  label: string,
  count: number,
  opts: { type?: string; aislesAfter?: number[]; special?: Record<number, string> } = {},
) {
  const seats: Cell[] = [];
  for (let n = 1; n <= count; n++) {
    seats.push({ number: n, type: opts.special?.[n] ?? opts.type ?? "standard" });
    if (opts.aislesAfter?.includes(n)) {
      seats.push({ gap: 1 });
    }
  }
  return { label, seats };
}

/** A back row of sofa pairs: seats 1+2, 3+4, ... with a gap between pairs. */
function sofaRow(label: string, pairs: number) {
  const seats: Cell[] = [];
  for (let p = 0; p < pairs; p++) {
    const a = p * 2 + 1;
    seats.push({ number: a, type: "sofa", pairWith: `${label}${a + 1}` });
    seats.push({ number: a + 1, type: "sofa", pairWith: `${label}${a}` });
    if (p < pairs - 1) {
      seats.push({ gap: 1 });
    }
  }
  return { label, seats };
}

const letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";

const largeHall = (rows: number, perRow: number, aislesAfter: number[]): ScreenLayout => ({
  rows: Array.from({ length: rows }, (_, i) =>
    row(letters[i] as string, perRow, {
      aislesAfter,
      type: i >= rows - 2 ? "premium" : "standard",
      // Front-row access: wheelchair spaces with a companion seat beside each.
      special:
        i === 0 ? { 1: "wheelchair", 2: "companion", [perRow - 1]: "companion", [perRow]: "wheelchair" } : {},
    }),
  ),
  blocked: [`${letters[Math.floor(rows / 2)]}${Math.ceil(perRow / 2)}`],
});

const reclinerHall = (rows: number, perRow: number, sofaPairs: number): ScreenLayout => ({
  rows: [
    ...Array.from({ length: rows }, (_, i) =>
      row(letters[i] as string, perRow, {
        type: "recliner",
        aislesAfter: [perRow / 2],
        special: i === 0 ? { 1: "wheelchair", 2: "companion" } : {},
      }),
    ),
    sofaRow(letters[rows] as string, sofaPairs),
  ],
  blocked: [],
});

export interface DemoTheater {
  name: string;
  address: { line1: string; city: string; region?: string; postalCode?: string; country: string };
  location: { lat: number; lng: number };
  contact: { phone?: string; email?: string };
  timeZone: string;
  cancellationPolicy?: CancellationPolicyInput;
  currency: string;
  screens: Array<{
    name: string;
    layout: ScreenLayout;
    basePrice: number;
    format: ShowtimeInput["format"];
    language: string;
  }>;
}

export const DEMO_THEATERS: DemoTheater[] = [
  {
    name: "Galaxy Cinemas Bandra",
    address: {
      line1: "Hill Road, Bandra West",
      city: "Mumbai",
      region: "Maharashtra",
      postalCode: "400050",
      country: "IN",
    },
    location: { lat: 19.0544, lng: 72.8402 },
    contact: { phone: "+912226400001", email: "bandra@galaxy.example" },
    timeZone: "Asia/Kolkata",
    currency: "INR",
    screens: [
      {
        name: "Audi 1",
        layout: largeHall(12, 20, [4, 16]),
        basePrice: 25_000,
        format: "2D",
        language: "Hindi",
      },
      {
        name: "Audi 2 Recliners",
        layout: reclinerHall(5, 8, 4),
        basePrice: 45_000,
        format: "3D",
        language: "English",
      },
    ],
  },
  {
    name: "Orion Multiplex Koramangala",
    address: {
      line1: "80 Feet Road, Koramangala",
      city: "Bengaluru",
      region: "Karnataka",
      postalCode: "560034",
      country: "IN",
    },
    location: { lat: 12.9352, lng: 77.6245 },
    contact: { phone: "+918041100002" },
    timeZone: "Asia/Kolkata",
    cancellationPolicy: {
      tiers: [
        { minHoursBefore: 48, refundPercent: 100 },
        { minHoursBefore: 4, refundPercent: 50 },
      ],
    },
    currency: "INR",
    screens: [
      {
        name: "IMAX",
        layout: largeHall(14, 24, [6, 18]),
        basePrice: 42_000,
        format: "IMAX",
        language: "English",
      },
      {
        name: "Screen 2",
        layout: largeHall(8, 12, [6]),
        basePrice: 20_000,
        format: "2D",
        language: "Kannada",
      },
    ],
  },
  {
    name: "Marina Screens",
    address: { line1: "10 Bayfront Avenue", city: "Singapore", postalCode: "018956", country: "SG" },
    location: { lat: 1.2834, lng: 103.8607 },
    contact: { email: "hello@marina.example" },
    timeZone: "Asia/Singapore",
    cancellationPolicy: { tiers: [{ minHoursBefore: 24, refundPercent: 100 }] },
    currency: "SGD",
    screens: [
      { name: "Hall A", layout: largeHall(10, 16, [8]), basePrice: 1_400, format: "2D", language: "English" },
      {
        name: "Gold Class",
        layout: reclinerHall(4, 6, 3),
        basePrice: 3_800,
        format: "4DX",
        language: "English",
      },
    ],
  },
];

const poster = (slug: string) => `https://images.boxoffice.example/posters/${slug}.jpg`;
const backdrop = (slug: string) => `https://images.boxoffice.example/backdrops/${slug}.jpg`;

function movie(
  tmdbId: number,
  title: string,
  genres: string[],
  runtimeMinutes: number,
  rating: string,
  languages: string[],
  overview: string,
  cast: string[],
): MovieInput {
  const slug = title.toLowerCase().replace(/[^a-z0-9]+/g, "-");
  return {
    tmdbId,
    title,
    overview,
    genres,
    runtimeMinutes,
    rating,
    posterUrl: poster(slug),
    backdropUrl: backdrop(slug),
    cast: cast.map((name) => ({ name })),
    languages,
    releaseDate: null,
  };
}

/** Invented films: realistic enough to search, with no real titles or people. */
export const DEMO_MOVIES: MovieInput[] = [
  movie(
    990001,
    "The Last Monsoon",
    ["Drama", "Romance"],
    142,
    "UA",
    ["Hindi", "English"],
    "Two strangers wait out a flood in a Mumbai chawl.",
    ["Asha Rao", "Vikram Sen"],
  ),
  movie(
    990002,
    "Orbit of Ash",
    ["Science Fiction", "Thriller"],
    156,
    "UA",
    ["English"],
    "A salvage crew finds a station that should not exist.",
    ["Mira Kane", "Tom Adeyemi"],
  ),
  movie(
    990003,
    "Chase at Dawn",
    ["Action", "Thriller"],
    128,
    "UA",
    ["Hindi", "Tamil"],
    "A courier has until sunrise to cross the city.",
    ["Arjun Das", "Leela Iyer"],
  ),
  movie(
    990004,
    "Paper Kites",
    ["Family", "Comedy"],
    104,
    "U",
    ["English", "Hindi"],
    "Three siblings enter the kite festival their grandfather never won.",
    ["Ria Mehta", "Kabir Shah"],
  ),
  movie(
    990005,
    "Midnight Ledger",
    ["Crime", "Drama"],
    133,
    "A",
    ["English"],
    "An auditor follows one wrong number into the underworld.",
    ["Daniel Cho", "Sara Lind"],
  ),
  movie(
    990006,
    "Kaveri Nights",
    ["Drama", "Music"],
    121,
    "U",
    ["Kannada", "English"],
    "A singer returns to the river town that made her.",
    ["Deepa Gowda", "Naveen Rao"],
  ),
  movie(
    990007,
    "The Glass Orchard",
    ["Mystery"],
    117,
    "UA",
    ["English"],
    "Every tree in the orchard hides a letter.",
    ["Helen Ward", "Isaac Mendes"],
  ),
  movie(
    990008,
    "Thunder Road 2",
    ["Action", "Adventure"],
    149,
    "UA",
    ["Hindi", "Telugu", "English"],
    "The crew is back for one last run across the desert.",
    ["Rohan Kapur", "Anya Singh"],
  ),
  movie(
    990009,
    "Little Lantern",
    ["Animation", "Family"],
    96,
    "U",
    ["English", "Hindi"],
    "A lantern spirit learns to shine without fire.",
    ["(voice) Maya Lee"],
  ),
  movie(
    990010,
    "Saltwater Kings",
    ["Adventure", "Drama"],
    138,
    "UA",
    ["English", "Malay"],
    "Fishermen race a typhoon to bring their boats home.",
    ["Hafiz Omar", "Lina Tan"],
  ),
  movie(
    990011,
    "Quiet Hours",
    ["Horror", "Thriller"],
    99,
    "A",
    ["English"],
    "The night shift at a hospital where nobody sleeps.",
    ["Grace Obi", "Peter Holm"],
  ),
  movie(
    990012,
    "Second Innings",
    ["Sports", "Comedy"],
    131,
    "U",
    ["Hindi", "English"],
    "A retired cricketer coaches the worst team in the league.",
    ["Sunil Varma", "Nisha Bhat"],
  ),
];

/** Local start times of the day's shows on every screen. */
export const DEMO_SLOTS = ["10:00", "13:30", "17:00", "20:45"];
export const DEMO_DAYS = 7;
