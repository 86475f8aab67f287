import type { ButtonHTMLAttributes } from 'react';

const VARIANTS = {
  primary:
    'border-sky-700 bg-sky-700 text-white hover:bg-sky-800 dark:border-sky-500 dark:bg-sky-700 dark:hover:bg-sky-800',
  secondary:
    'border-slate-300 bg-white text-slate-900 hover:bg-slate-100 dark:border-slate-700 dark:bg-slate-900 dark:text-slate-100 dark:hover:bg-slate-800',
  danger:
    'border-red-300 bg-white text-red-800 hover:bg-red-50 dark:border-red-800 dark:bg-slate-900 dark:text-red-300 dark:hover:bg-red-950',
} as const;

/**
 * The app's button: a real <button>, keyboard-reachable, with visible focus from the base styles.
 * `compactOnPhone`: smaller text and padding below the `sm` breakpoint (two buttons in one row of a
 * 390 px screen).
 */
export function Button({
  variant = 'secondary',
  className = '',
  type = 'button',
  compactOnPhone = false,
  ...rest
}: ButtonHTMLAttributes<HTMLButtonElement> & { variant?: keyof typeof VARIANTS; compactOnPhone?: boolean }) {
  const size = compactOnPhone ? 'px-2 text-xs sm:px-3 sm:text-sm' : 'px-3 text-sm';
  return (
    <button
      type={type}
      className={`rounded-md border py-1 ${size} font-medium disabled:cursor-not-allowed disabled:opacity-50 ${VARIANTS[variant]} ${className}`}
      {...rest}
    />
  );
}
