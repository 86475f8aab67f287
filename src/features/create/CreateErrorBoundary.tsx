import { Component, type ErrorInfo, type ReactNode } from 'react';
import { Button } from '../../components/Button.tsx';

/** Last resort: an unexpected error shows what happened and a way back, never a blank page. */
export class CreateErrorBoundary extends Component<
  { onReset: () => void; children: ReactNode },
  { error: Error | null }
> {
  override state: { error: Error | null } = { error: null };

  static getDerivedStateFromError(error: unknown) {
    return { error: error instanceof Error ? error : new Error(String(error)) };
  }

  override componentDidCatch(_error: unknown, _info: ErrorInfo) {
    // React already reports the error to the console.
  }

  override render() {
    if (!this.state.error) return this.props.children;
    return (
      <div
        role="alert"
        className="rounded-md border border-red-300 bg-red-50 p-4 text-sm text-red-900 dark:border-red-800 dark:bg-red-950/50 dark:text-red-100"
      >
        <p className="font-semibold">The creator hit an unexpected error: {this.state.error.message}</p>
        <p className="mt-1">Your keys are safe. Start again with a fresh form:</p>
        <Button
          className="mt-2"
          onClick={() => {
            this.props.onReset();
            this.setState({ error: null });
          }}
        >
          Reset the form
        </Button>
      </div>
    );
  }
}
