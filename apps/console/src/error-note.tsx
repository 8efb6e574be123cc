/** A failed action's message, announced to screen readers (role=alert); nothing while there is none. */
export function ErrorNote({ error }: { readonly error: string | undefined }) {
  return error ? (
    <p className="error" role="alert">
      {error}
    </p>
  ) : null;
}
