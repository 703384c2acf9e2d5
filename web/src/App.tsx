import { Center, Loader } from '@mantine/core';
import { lazy, Suspense } from 'react';
import { Navigate, Route, Routes } from 'react-router';
import { SessionProvider, useSessionQuery } from './auth/session';
import { ErrorNotice } from './components/ErrorNotice';
import { Layout } from './components/Layout';
import { LeadPage } from './pages/LeadPage';
import { LeadsPage } from './pages/LeadsPage';
import { NotFoundPage } from './pages/NotFoundPage';
import { QueuePage } from './pages/QueuePage';
import { SettingsPage } from './pages/SettingsPage';
import { SetupPage } from './pages/SetupPage';
import { SignInPage } from './pages/SignInPage';

// Managers' pages load on first visit: the charts (Recharts) and the diff stay out of the bundle
// a rep's browser fetches.
const DashboardPage = lazy(() => import('./pages/DashboardPage').then((m) => ({ default: m.DashboardPage })));
const ImportPage = lazy(() => import('./pages/ImportPage').then((m) => ({ default: m.ImportPage })));
const ModelPage = lazy(() => import('./pages/ModelPage').then((m) => ({ default: m.ModelPage })));
const pageLoader = <Loader aria-label="Loading the page" />;

/** Signed out: the sign-in page (and the one-time setup page). Signed in: the app, with the hot queue as home. */
export function App() {
  const session = useSessionQuery();
  if (session.isPending) {
    return (
      <Center h="100vh">
        <Loader aria-label="Loading" />
      </Center>
    );
  }
  if (session.isError) return <ErrorNotice error={session.error} />;
  if (!session.data) {
    return (
      <Routes>
        <Route path="/sign-in" element={<SignInPage />} />
        <Route path="/setup" element={<SetupPage />} />
        <Route path="*" element={<Navigate to="/sign-in" replace />} />
      </Routes>
    );
  }
  return (
    <SessionProvider session={session.data}>
      <Routes>
        <Route element={<Layout />}>
          <Route index element={<QueuePage />} />
          <Route path="leads" element={<LeadsPage />} />
          <Route path="leads/:id" element={<LeadPage />} />
          <Route
            path="dashboard"
            element={
              <Suspense fallback={pageLoader}>
                <DashboardPage />
              </Suspense>
            }
          />
          <Route
            path="model"
            element={
              <Suspense fallback={pageLoader}>
                <ModelPage />
              </Suspense>
            }
          />
          <Route
            path="import"
            element={
              <Suspense fallback={pageLoader}>
                <ImportPage />
              </Suspense>
            }
          />
          <Route path="settings" element={<SettingsPage />} />
          <Route path="sign-in" element={<Navigate to="/" replace />} />
          {/* The owner account was just made (or someone signed in opened an old setup link). */}
          <Route path="setup" element={<Navigate to="/" replace />} />
          <Route path="*" element={<NotFoundPage />} />
        </Route>
      </Routes>
    </SessionProvider>
  );
}
