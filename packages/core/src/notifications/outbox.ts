import { type DbOrTx, type NotificationKind, notifications, users } from "@boxoffice/db";
import { eq } from "drizzle-orm";

/**
 * Writes the messages announcing `kind` about `subjectId` to the user, one per channel they can be reached
 * on and have not turned off, inside the caller's transaction. Writing the same announcement again (a
 * replayed webhook, a retried request) adds nothing: each message has a dedupe key.
 */
export async function enqueueNotifications(
  tx: DbOrTx,
  input: { kind: NotificationKind; userId: string; subjectId: string; payload: Record<string, unknown> },
): Promise<number> {
  const [user] = await tx
    .select({ email: users.email, phone: users.phone, prefs: users.prefs, name: users.name })
    .from(users)
    .where(eq(users.id, input.userId));
  if (!user) {
    return 0;
  }
  const rows: Array<typeof notifications.$inferInsert> = [];
  const add = (channel: "email" | "sms", recipient: string | null, wanted: boolean) => {
    if (recipient && wanted) {
      rows.push({
        userId: input.userId,
        kind: input.kind,
        channel,
        recipient,
        subjectId: input.subjectId,
        dedupeKey: `${input.kind}:${input.subjectId}:${channel}`,
        payload: { ...input.payload, name: user.name },
      });
    }
  };
  add("email", user.email, user.prefs.email);
  add("sms", user.phone, user.prefs.sms);
  if (rows.length === 0) {
    return 0;
  }
  const written = await tx
    .insert(notifications)
    .values(rows)
    .onConflictDoNothing({ target: notifications.dedupeKey })
    .returning({ id: notifications.id });
  return written.length;
}
