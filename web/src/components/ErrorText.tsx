/** An error tied to a field (aria-describedby) and announced when it appears. */
export function ErrorText({ id, message }: { id: string; message: string | null }) {
  return (
    <p id={id} className="error" role="alert">
      {message}
    </p>
  );
}
