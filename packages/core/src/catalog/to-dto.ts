import type { Movie, Screen, ScreenLayout, Showtime, Theater } from "@boxoffice/contracts";
import type { MovieRow, ScreenRow, ShowtimeRow, TheaterRow } from "@boxoffice/db";
import { buildSeatMap } from "../venue/seat-map.ts";

export function toTheater(row: TheaterRow): Theater {
  return {
    id: row.id,
    name: row.name,
    address: row.address,
    location: { lat: row.latitude, lng: row.longitude },
    contact: row.contact,
    timeZone: row.timeZone,
    cancellationPolicy: row.cancellationPolicy,
    archived: row.archivedAt !== null,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

export function toScreen(row: ScreenRow): Screen {
  const layout = row.layout as ScreenLayout;
  return {
    id: row.id,
    theaterId: row.theaterId,
    name: row.name,
    seatCount: row.seatCount,
    layout,
    seatMap: buildSeatMap(layout),
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

export function toMovie(row: MovieRow): Movie {
  return {
    id: row.id,
    tmdbId: row.tmdbId,
    title: row.title,
    overview: row.overview,
    genres: row.genres,
    runtimeMinutes: row.runtimeMinutes,
    rating: row.rating,
    posterUrl: row.posterUrl,
    backdropUrl: row.backdropUrl,
    cast: row.cast,
    languages: row.languages,
    releaseDate: row.releaseDate,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

export function toShowtime(row: ShowtimeRow): Showtime {
  return {
    id: row.id,
    movieId: row.movieId,
    theaterId: row.theaterId,
    screenId: row.screenId,
    startAt: row.startAt.toISOString(),
    endAt: row.endAt.toISOString(),
    salesCloseAt: row.salesCloseAt.toISOString(),
    language: row.language,
    format: row.format,
    basePrice: row.basePrice,
    currency: row.currency,
    seatTypePrices: row.seatTypePrices as Showtime["seatTypePrices"],
    pricingRules: row.pricingRules as Showtime["pricingRules"],
    status: row.status,
    noOrphanSeats: row.noOrphanSeats,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}
