// PLACEHOLDER shell (replaced in this session by the app shell work).
export function App() {
  return <main><h1>AccessDesk</h1></main>;
}
