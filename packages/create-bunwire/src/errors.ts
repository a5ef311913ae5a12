// The scaffolder's one error class: a stable code and a message that says what to do. The CLI prints the message
// and exits 1; nothing is written when one is thrown before the first file.

export type CreateErrorCode = "INVALID_ARGUMENT" | "INVALID_NAME" | "TARGET_NOT_EMPTY" | "BUNWIRE_NOT_FOUND";

export class CreateError extends Error {
  override readonly name = "CreateError";

  constructor(readonly code: CreateErrorCode, message: string) {
    super(message);
  }
}
